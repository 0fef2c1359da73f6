-- upgrades a version 5 database to version 6: the story_signatures table story assignment
-- compares, so that later copies join loaded stories (refs #16), which schema.sql (run
-- before every migration) creates as it is now; articles loaded before have none and stay
-- stories of their own until re-tagged; nothing to change; no parameters
select 6 as schema_version;
