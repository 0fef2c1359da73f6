-- upgrades a version 10 database to version 11: the story days by language and source
-- (story_facet_days, pair_story_facet_days) that the story unit counts with a language or
-- source filter (refs #16), which the rebuild of the aggregates that follows this upgrade
-- creates and fills (refresh_aggregates.sql), with the macros a later load's stage rebuilds
-- a story's days with; nothing to change before it; no parameters
select 11 as schema_version;
