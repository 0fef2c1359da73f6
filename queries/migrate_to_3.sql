-- upgrades a version 2 database to version 3: the aggregates are maintained incrementally
-- by the macros of refresh_aggregates.sql, which ensure_schema runs after this file; a
-- migrated file starts a new chain of publishes (no spare copy may catch up to it);
-- no parameters
delete from meta
where key in ('publish_id', 'base_publish_id')
