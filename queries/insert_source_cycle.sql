-- appends one source's cycle counts; params: $run_id, $source, $error, $read, $loaded,
-- $duplicates, $rejected, $seconds, $finished_at
insert into source_cycles by name
select
    $run_id as run_id,
    $source as source,
    $error as error,
    $read as read,
    $loaded as loaded,
    $duplicates as duplicates,
    $rejected as rejected,
    $seconds as seconds,
    $finished_at::timestamp as finished_at
