-- upgrades a version 8 database to version 9: the story days (story_days, pair_story_days)
-- that the dashboard's story unit counts and country_articles.story_id (refs #16), which
-- the rebuild of the aggregates that follows this upgrade creates and fills
-- (refresh_aggregates.sql), with the macros a later load's stage rebuilds a story's days
-- with; nothing to change before it; no parameters
select 9 as schema_version;
