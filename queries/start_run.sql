-- inserts one ingest_runs row and returns its run_id; params: $started_at, $inputs, $command
insert into ingest_runs (run_id, started_at, inputs, command)
select
    coalesce(max(run_id), 0) + 1 as run_id,
    $started_at,
    $inputs,
    $command
from ingest_runs
returning run_id
