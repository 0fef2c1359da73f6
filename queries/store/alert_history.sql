-- one row per alert x channel (an alert without channels once), newest first, from :since
-- (an ISO timestamp; '' for all), of the alerts :viewer may see (refs #19): with :everyone
-- (no sign-in; the watcher) all of them, else those of the team's watchlists (owner ''),
-- of the viewer's own and of those shared with the team, as monitor/team.py's may_see.
-- params: :since, :row_limit, :everyone, :viewer
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
left join watchlists
    on alerts.owner = watchlists.owner and alerts.watch_name = watchlists.name
where
    alerts.created_at >= :since
    and (
        :everyone
        or alerts.owner in ('', :viewer)
        or coalesce(watchlists.is_shared, 0) = 1
    )
order by alerts.created_at desc, alerts.alert_id desc, deliveries.channel
limit :row_limit
