-- upserts one source's health row; params: $source, $kind, $every_seconds, $last_batch,
-- $last_error, $failed, $delivered, $attempt_at. The row carries every column, what it
-- keeps of the old one read through the join, so a conflict replaces the whole row
insert or replace into source_state by name
select
    $source as source,
    $kind as kind,
    $every_seconds as every_seconds,
    coalesce($last_batch, old.last_batch) as last_batch,
    $last_error as last_error,
    case when $failed then coalesce(old.consecutive_failures, 0) + 1 else 0 end
        as consecutive_failures,
    $attempt_at::timestamp as last_attempt_at,
    case when $failed then old.last_success_at else $attempt_at::timestamp end
        as last_success_at,
    case when $delivered then $attempt_at::timestamp else old.last_delivery_at end
        as last_delivery_at
from (select 1) as one
left join source_state as old on old.source = $source
