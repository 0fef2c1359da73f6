-- upgrades a version 5 database to version 6: the signatures story assignment compares, so
-- that later copies join loaded stories (refs #16); articles loaded before have none and
-- stay stories of their own until re-tagged; no parameters
create table if not exists story_signatures (
    article_id varchar primary key,
    minhash uinteger[],
    title_key varchar,
    is_headline_only boolean not null,
    url_key varchar,
    numbers_key varchar,
    vector float[]
);
