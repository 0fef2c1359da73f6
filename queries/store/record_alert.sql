-- at most one row: records an alert unless this watch already fired for the pair that day.
-- params: :owner, :watch_name, :country_a, :country_b, :day, :articles, :expected, :why,
-- :url, :message, :now
insert into alerts (
    owner, watch_name, country_a, country_b, day, articles, expected, why, url, message,
    created_at
)
values (
    :owner, :watch_name, :country_a, :country_b, :day, :articles, :expected, :why, :url,
    :message, :now
)
on conflict (watch_name, country_a, country_b, day) do nothing
returning alert_id
