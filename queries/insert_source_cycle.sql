-- appends one source's cycle counts; params: $run_id, $source, $error, $read, $loaded,
-- $duplicates, $rejected, $seconds, $finished_at
insert into source_cycles by name
select
    -- DuckDB 2.0 names an unaliased $x column '$x', which by name would not match
    -- noqa: disable=AL09
    $run_id as run_id,
    $source as source,
    $error as error,
    $read as read,
    $loaded as loaded,
    $duplicates as duplicates,
    $rejected as rejected,
    $seconds as seconds,
    -- noqa: enable=AL09
    $finished_at::timestamp as finished_at
