-- at most one row: a pending delivery of an alert to a channel. params: :alert_id, :channel,
-- :now
insert into deliveries (alert_id, channel, status, attempts, updated_at)
values (:alert_id, :channel, 'pending', 0, :now)
on conflict (alert_id, channel) do nothing
