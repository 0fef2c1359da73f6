-- upgrades a version 11 database to version 12: the search postings keep each word's
-- position in its article (search_postings.word_no, one row per occurrence), so that a
-- phrase is matched from the index instead of the articles' text (refs #18); the rebuild
-- of the aggregates that follows this upgrade (refresh_aggregates.sql) rebuilds the index
-- with them; nothing to change before it; no parameters
select 12 as schema_version;
