-- upgrades a version 5 database to version 6: the full-text search index (refs #18), whose
-- tables the rebuild of the aggregates that follows every such upgrade creates and fills
-- (refresh_aggregates.sql); nothing to change before it; no parameters
select 6 as schema_version;
