-- completes one ingest_runs row with its counts;
-- params: $run_id, $finished_at, $read, $loaded, $duplicates, $rejected, $seconds
update ingest_runs
set
    finished_at = $finished_at,
    read = $read,
    loaded = $loaded,
    duplicates = $duplicates,
    rejected = $rejected,
    seconds = $seconds
where run_id = $run_id
