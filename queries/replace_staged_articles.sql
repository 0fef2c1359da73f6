-- a re-tagging stage replaces articles: keeps their current rows (replaced_*) for
-- apply_stage to subtract from the aggregates; delete_replaced_rows.sql then deletes them
-- with what they own; no parameters. Finding them scans the article ids: re-tagging
-- touches what is loaded.
create or replace temp table replaced_articles as
select current.*
from articles as current
semi join stage.articles as staged on current.article_id = staged.article_id;

create or replace temp table replaced_mentions as
select * from mentions
semi join replaced_articles on mentions.article_id = replaced_articles.article_id;

create or replace temp table replaced_pairs as
select * from article_pairs
semi join replaced_articles on article_pairs.article_id = replaced_articles.article_id;

-- a replaced article's words, mentions and pairs in the search index go with its doc_no
-- (the new version gets a new number); its search_docs row goes with the other article
-- tables (etl/stage.py ARTICLE_TABLES) (refs #18)
create or replace temp table replaced_docs as
select doc_no from search_docs
semi join replaced_articles on search_docs.article_id = replaced_articles.article_id;

delete from search_postings
where doc_no in (select doc_no from replaced_docs);

delete from search_doc_mentions
where doc_no in (select doc_no from replaced_docs);

delete from search_doc_pairs
where doc_no in (select doc_no from replaced_docs);

drop table replaced_docs;
