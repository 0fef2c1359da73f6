"""`python -m etl watch`: keep the database current from configured sources (refs #14).

`config` reads the TOML file, `gdelt_source`, `feed_source` and `folder_source` find what is
new for one source, `state` keeps each source's health and what it has seen in the database
(published with the articles), `cycle` loads one source's delivery through `load_inputs`, and
`schedule` runs each source when due until stopped.
"""
