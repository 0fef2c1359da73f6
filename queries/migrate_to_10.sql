-- upgrades a version 9 database to version 10: the search index gains the columns and tables a
-- search's scope reads by doc_no (search_docs' day, language, source, origin and sentence
-- count; search_doc_mentions, search_doc_pairs; refs #18), which the rebuild of the
-- aggregates that follows this upgrade creates and fills (refresh_aggregates.sql), with the
-- macros a later load's stage applies; nothing to change before it; no parameters
select 10 as schema_version;
