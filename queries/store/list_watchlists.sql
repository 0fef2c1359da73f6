-- one row per watchlist, by name. no parameters.
select
    watch_id,
    owner,
    name,
    pairs,
    countries,
    lang,
    source,
    keywords,
    sensitivity,
    notify,
    created_at,
    updated_at
from watchlists
order by name, owner
