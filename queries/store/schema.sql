-- the whole store of what users write (refs #17): watchlists, alerts and their deliveries,
-- and the audit trail of signed-in users (refs #19); idempotent. SQLite in WAL mode: many
-- readers (dashboard sessions) and one short writer at a time (a session saving, the watcher
-- recording), beside the published database and never
-- inside it (queries/store/journal_mode.sql sets WAL before this runs, in one write
-- transaction). no parameters.

-- one row per watchlist; owner is the signed-in user's address, '' for the team's (saved
-- without sign-in); is_shared: visible to the whole team (refs #19); lists are JSON arrays
create table if not exists watchlists (
    watch_id integer primary key,
    owner text not null default '',
    name text not null,
    pairs text not null default '[]',
    countries text not null default '[]',
    lang text,
    source text,
    keywords text not null default '[]',
    sensitivity text not null default 'normal',
    -- apprise URLs whose secrets are {NAME} placeholders, filled from the environment or
    -- the secrets file at delivery, so no secret is ever stored here
    notify text not null default '[]',
    is_shared integer not null default 0,
    created_at text not null,
    updated_at text not null,
    unique (owner, name)
);

-- one row per watch x pair x day that fired: at most once per pair per day (the key)
create table if not exists alerts (
    alert_id integer primary key,
    owner text not null default '',
    watch_name text not null,
    country_a text not null,
    country_b text not null,
    day text not null,
    articles integer not null,
    expected real not null,
    why text not null,
    url text not null,
    message text not null,
    created_at text not null,
    unique (watch_name, country_a, country_b, day)
);

-- one row per alert x channel: pending until sent, failed (and retried next run) otherwise
create table if not exists deliveries (
    alert_id integer not null references alerts (alert_id),
    channel text not null,
    status text not null default 'pending',
    attempts integer not null default 0,
    last_error text,
    updated_at text not null,
    primary key (alert_id, channel)
);

-- one row per action of a signed-in user the audit trail keeps (refs #19): a CSV download
-- (count_rows as sent; is_complete 0 when the client left first) or a watchlist created,
-- edited or deleted. recorded_at is UTC; filters is the share URL's query string
create table if not exists audit_events (
    event_id integer primary key,
    recorded_at text not null,
    user_email text not null,
    action text not null,
    view_name text not null,
    filters text not null,
    target text not null,
    count_rows integer,
    is_complete integer not null default 1
);

create index if not exists audit_events_by_time on audit_events (recorded_at);
