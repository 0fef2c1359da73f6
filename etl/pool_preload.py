"""Imported by the tagging pool's forkserver (etl/run.py): builds the gazetteer there.

The country scan's automata and name index are built on first use in each process, ~0.2 s
of CPU; built once in the server, every worker forked from it starts with them in memory it
shares copy-on-write, instead of each building its own inside its first batch, which the
first tagged result of a load waits for (refs #20). What they hold depends on nothing a
batch brings, so tagging gives the same results either way.
"""

from etl.tag.gazetteer import gazetteer

gazetteer()
