-- one row per audited action, newest first, at or after :since (an ISO timestamp; '' for
-- all), of :user_email and :action ('' for any). params: :since, :user_email, :action,
-- :row_limit
select
    event_id,
    recorded_at,
    user_email,
    action,
    view_name,
    filters,
    target,
    count_rows,
    is_complete
from audit_events
where
    recorded_at >= :since
    and (:user_email = '' or user_email = :user_email)
    and (:action = '' or action = :action)
order by recorded_at desc, event_id desc
limit :row_limit
