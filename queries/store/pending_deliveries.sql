-- one row per delivery not yet sent and tried fewer than :max_attempts times, oldest first,
-- with its alert's message. params: :max_attempts
select
    deliveries.alert_id,
    deliveries.channel,
    deliveries.attempts,
    alerts.watch_name,
    alerts.country_a,
    alerts.country_b,
    alerts.why,
    alerts.message
from deliveries
inner join alerts on deliveries.alert_id = alerts.alert_id
where deliveries.status != 'sent' and deliveries.attempts < :max_attempts
order by deliveries.alert_id, deliveries.channel
