-- copies the registered lake_rejects and lake_ingest_runs (a Parquet lake's rejects and
-- runs, see etl/engines/lake.py) into rejects and ingest_runs; no parameters
insert into rejects by name select * from lake_rejects;
insert into ingest_runs by name select * from lake_ingest_runs;
