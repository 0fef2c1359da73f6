-- appends one source's cycle counts; params: $run_id, $source, $error, $read, $loaded,
-- $duplicates, $rejected, $seconds, $finished_at
insert into source_cycles by name
select
    $run_id,
    $source,
    $error,
    $read,
    $loaded,
    $duplicates,
    $rejected,
    $seconds,
    $finished_at::timestamp as finished_at
