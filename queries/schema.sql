-- the whole schema; idempotent (create ... if not exists). no parameters.
-- countries are ISO 3166-1 alpha-3 (XKX Kosovo, PSE Palestine); times are UTC;
-- pairs are stored canonically with country_a < country_b.

-- one row per setting of the database itself (schema_version, created_at)
create table if not exists meta (
    key varchar primary key,
    value varchar not null
);

-- one row per ETL run, whatever its outcome
create table if not exists ingest_runs (
    run_id integer primary key,
    started_at timestamp not null,
    finished_at timestamp,
    read integer not null default 0,
    loaded integer not null default 0,
    duplicates integer not null default 0,
    rejected integer not null default 0,
    inputs varchar,
    command varchar,
    seconds double
);

-- one row per article (article_id = hash of the canonical url, else of title + text)
create table if not exists articles (
    -- ids
    article_id varchar primary key,
    record_id varchar,
    -- the story the article reports: the article_id of the story's first article (refs #16)
    story_id varchar,
    run_id integer not null,
    -- dimensions
    url varchar,
    source varchar not null,
    title varchar not null,
    text varchar not null,
    lang varchar not null,
    is_lang_detected boolean not null default false,
    origin varchar not null,
    locator varchar,
    notes varchar,
    -- measures: tone on GDELT's scale (0 neutral, negative hostile), conflict as a share
    tone double,
    tone_positive double,
    tone_negative double,
    tone_polarity double,
    word_count integer,
    conflict double,
    -- measures: GDELT's V2Tone of a GKG row, a word-count instrument of its own that is never
    -- averaged into tone, which is the encoder's for every article (refs #15)
    gdelt_tone double,
    gdelt_positive double,
    gdelt_negative double,
    gdelt_polarity double,
    gdelt_word_count integer,
    sentence_count integer,
    country_count integer not null default 0,
    -- timestamps
    published_at timestamp not null,
    published_date date not null,
    loaded_at timestamp not null
);

-- one row per story: articles carrying the same report (wire copies, rewrites, translations)
-- published within a window of each other; story_id is the article_id of its first article
create table if not exists stories (
    story_id varchar primary key,
    first_published_at timestamp not null,
    last_published_at timestamp not null,
    articles integer not null,
    sources integer not null,
    languages varchar[] not null,
    title varchar not null
);

-- one row per article: what story assignment compares (etl/tag/story_keys.py), kept so that
-- a later copy can join the article's story; minhash and title_key are null without text,
-- vector is null when tone was not scored (refs #16)
create table if not exists story_signatures (
    article_id varchar primary key,
    minhash uinteger[],
    title_key varchar,
    is_headline_only boolean not null,
    url_key varchar,
    numbers_key varchar,
    vector float[]
);

-- one row per article x country mentioned in it
create table if not exists mentions (
    article_id varchar not null,
    country varchar not null,
    mention_count integer not null,
    first_offset integer,
    sentence_count integer,
    tone double,
    primary key (article_id, country)
);

-- one row per article x unordered country pair (both countries mentioned in the article);
-- sentence_count is the number of sentences naming both, null when the source has no text
create table if not exists article_pairs (
    article_id varchar not null,
    country_a varchar not null,
    country_b varchar not null,
    sentence_count integer,
    tone double,
    conflict double,
    primary key (article_id, country_a, country_b),
    check (country_a < country_b)
);

-- one row per article x pair x sentence naming both countries (capped per pair per article)
create table if not exists evidence (
    article_id varchar not null,
    country_a varchar not null,
    country_b varchar not null,
    sentence_no integer not null,
    sentence varchar not null,
    start_offset integer not null,
    end_offset integer not null,
    -- where the pair's countries are named in the sentence (offsets into sentence)
    highlights struct(country varchar, start_offset integer, end_offset integer)[],
    primary key (article_id, country_a, country_b, sentence_no),
    check (country_a < country_b)
);

-- one row per input row that could not be loaded, with the reason
create table if not exists rejects (
    run_id integer not null,
    source varchar not null,
    locator varchar not null,
    reason varchar not null,
    raw varchar,
    rejected_at timestamp not null
);

-- one row per country known to the tagger (names and flags for the dashboard)
create table if not exists countries (
    country varchar primary key,
    iso2 varchar,
    name varchar not null,
    flag varchar
);
