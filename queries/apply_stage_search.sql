-- the search index's rows of a load's new articles (the attached database `stage`), part of
-- applying the stage (etl/stage.py): their documents numbered after the last doc_no, their
-- postings and their mentions and pairs by doc_no. It needs no story ids (the documents get
-- theirs from set_search_story_ids.sql after), so a load runs it on a cursor of its own
-- while it assigns the stories (refs #20); a re-tagging stage runs it after
-- delete_replaced_rows.sql; no parameters.
insert into search_docs by name
from search_docs_rows(
        'stage.articles',
        (select coalesce(max(doc_no), 0) from search_docs)
    );

-- the postings of the load's articles only, appended sorted by word, and their mentions
-- and pairs by doc_no (refs #18)
create or replace temp table staged_docs as
select * from search_docs
semi join stage.articles on search_docs.article_id = stage.articles.article_id;

insert into search_postings by name
from search_postings_rows('staged_docs', 'stage.articles');

insert into search_doc_mentions by name
from search_doc_rows('staged_docs', 'stage.mentions');

insert into search_doc_pairs by name
from search_doc_rows('staged_docs', 'stage.article_pairs');

drop table staged_docs;
