-- copies this run's ingest_runs row into the attached database `stage`, so that applying
-- the stage elsewhere records the run too; params: $run_id
insert into stage.ingest_runs by name
select * from ingest_runs
where run_id = $run_id
