-- at most one row: creates or replaces the watchlist (owner, name).
-- params: :owner, :name, :pairs, :countries, :lang, :source, :keywords, :sensitivity,
-- :notify, :is_shared, :now
insert into watchlists (
    owner, name, pairs, countries, lang, source, keywords, sensitivity, notify, is_shared,
    created_at, updated_at
)
values (
    :owner, :name, :pairs, :countries, :lang, :source, :keywords, :sensitivity, :notify,
    :is_shared, :now, :now
)
on conflict (owner, name) do update set
    pairs = excluded.pairs,
    countries = excluded.countries,
    lang = excluded.lang,
    source = excluded.source,
    keywords = excluded.keywords,
    sensitivity = excluded.sensitivity,
    notify = excluded.notify,
    is_shared = excluded.is_shared,
    updated_at = excluded.updated_at
