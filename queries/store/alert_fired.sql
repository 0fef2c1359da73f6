-- at most one row: the alert of this watch, pair and day, if it fired.
-- params: :watch_name, :country_a, :country_b, :day
select alert_id
from alerts
where
    watch_name = :watch_name
    and country_a = :country_a
    and country_b = :country_b
    and day = :day
