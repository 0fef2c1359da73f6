-- the whole schema of the watcher's state (`python -m etl watch`, refs #14), created when a
-- watch cycle first publishes; no parameters.
-- source_state: one row per configured source: its health.
create table if not exists source_state (
    -- ids
    source varchar primary key,
    -- dimensions
    kind varchar not null,
    every_seconds double not null,
    last_batch varchar,
    last_error varchar,
    -- measures
    consecutive_failures integer not null default 0,
    -- timestamps
    last_attempt_at timestamp,
    last_success_at timestamp,
    last_delivery_at timestamp
);

-- source_cycles: one row per source per watch cycle (read, loaded, ... of that source).
create table if not exists source_cycles (
    -- ids
    run_id bigint not null,
    source varchar not null,
    -- dimensions
    error varchar,
    -- measures
    read bigint not null,
    loaded bigint not null,
    duplicates bigint not null,
    rejected bigint not null,
    seconds double not null,
    -- timestamps
    finished_at timestamp not null
);

-- source_feeds: one row per feed URL of a feed source: validators and backoff.
create table if not exists source_feeds (
    -- ids
    source varchar not null,
    url varchar not null,
    -- dimensions
    etag varchar,
    last_modified varchar,
    last_error varchar,
    -- measures
    consecutive_failures integer not null default 0,
    -- timestamps
    retry_at timestamp,
    primary key (source, url)
);

-- source_items: one row per feed item a source has loaded (never fetched again).
create table if not exists source_items (
    -- ids
    source varchar not null,
    item_key varchar not null,
    -- timestamps
    seen_at timestamp not null,
    primary key (source, item_key)
);

-- source_files: one row per file of a folder source, as last loaded.
create table if not exists source_files (
    -- ids
    source varchar not null,
    path varchar not null,
    -- dimensions
    sha256 varchar not null,
    -- measures
    size bigint not null,
    mtime_ns bigint not null,
    -- timestamps
    loaded_at timestamp not null,
    primary key (source, path)
);

-- source_batches: one row per GDELT batch file a source has loaded or found missing (404).
create table if not exists source_batches (
    -- ids
    source varchar not null,
    name varchar not null,
    -- dimensions
    status varchar not null,
    -- timestamps
    handled_at timestamp not null,
    primary key (source, name)
);
