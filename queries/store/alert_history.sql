-- one row per alert x channel (an alert without channels once), newest first, from :since
-- (an ISO timestamp; '' for all). params: :since, :row_limit
select
    alerts.alert_id,
    alerts.created_at,
    alerts.watch_name,
    alerts.country_a,
    alerts.country_b,
    alerts.day,
    alerts.articles,
    alerts.expected,
    alerts.why,
    alerts.url,
    deliveries.channel,
    deliveries.status,
    deliveries.attempts,
    deliveries.last_error
from alerts
left join deliveries on alerts.alert_id = deliveries.alert_id
where alerts.created_at >= :since
order by alerts.created_at desc, alerts.alert_id desc, deliveries.channel
limit :row_limit
