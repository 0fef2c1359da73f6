-- upgrades a version 1 database to version 2: evidence sentences keep where the pair's
-- countries are named (for highlighting); no parameters. Older rows get no highlights.
alter table evidence add column if not exists highlights struct(
    country varchar, start_offset integer, end_offset integer
)[];
