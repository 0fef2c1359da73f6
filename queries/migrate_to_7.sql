-- upgrades a version 6 database to version 7: the full-text search index (refs #18), whose
-- tables the rebuild of the aggregates that follows every such upgrade creates and fills
-- (refresh_aggregates.sql); nothing to change before it; no parameters
select 7 as schema_version;
