-- one row: the most recent ingest run; no parameters
select *
from ingest_runs
order by run_id desc
limit 1
