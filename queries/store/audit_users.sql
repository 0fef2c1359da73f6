-- one row per user with an audited action, by address. no parameters.
select distinct user_email
from audit_events
order by user_email
