-- updates one delivery after an attempt. params: :alert_id, :channel, :status, :tries,
-- :last_error, :now
update deliveries
set
    status = :status,
    attempts = attempts + :tries,
    last_error = :last_error,
    updated_at = :now
where alert_id = :alert_id and channel = :channel
