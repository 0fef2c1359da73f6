-- one row per rejected input row, newest run first; params: $run_id (null = all), $row_limit
select
    run_id,
    source,
    locator,
    reason,
    raw,
    rejected_at
from rejects
where $run_id is null or run_id = $run_id
order by run_id desc, rejected_at, locator
limit $row_limit
