-- at most one row: creates or replaces the watchlist (owner, name).
-- params: :owner, :name, :pairs, :countries, :lang, :source, :keywords, :sensitivity,
-- :notify, :now
insert into watchlists (
    owner, name, pairs, countries, lang, source, keywords, sensitivity, notify, created_at,
    updated_at
)
values (
    :owner, :name, :pairs, :countries, :lang, :source, :keywords, :sensitivity, :notify, :now,
    :now
)
on conflict (owner, name) do update set
    pairs = excluded.pairs,
    countries = excluded.countries,
    lang = excluded.lang,
    source = excluded.source,
    keywords = excluded.keywords,
    sensitivity = excluded.sensitivity,
    notify = excluded.notify,
    updated_at = excluded.updated_at
