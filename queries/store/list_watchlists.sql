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
    is_shared,
    created_at,
    updated_at
from watchlists
order by name, owner
