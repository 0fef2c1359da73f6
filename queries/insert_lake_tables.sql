-- copies the registered lake_* relations (the dated tables of a Parquet lake, see
-- etl/engines/lake.py) into the tables of the same name; no parameters. The lake's
-- partition column published_date is kept only where the table has it (articles).
insert into articles by name select * from lake_articles;
insert into mentions by name select * exclude (published_date) from lake_mentions;
insert into article_pairs by name select * exclude (published_date) from lake_article_pairs;
insert into evidence by name select * exclude (published_date) from lake_evidence;
insert into story_signatures by name
select * exclude (published_date) from lake_story_signatures;
