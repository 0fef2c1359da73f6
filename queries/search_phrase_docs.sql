-- one row per candidate article (doc_no of the registered relation search_candidates,
-- which have every word of the phrase) whose title and text hold the words of $phrase in a
-- row; $phrase is search_line's form of the phrase (' north korean troops ').
-- params: $phrase
select d.doc_no
from search_docs as d
semi join search_candidates as c on d.doc_no = c.doc_no
inner join articles as a on d.article_id = a.article_id
where contains(search_line(a.title || ' ' || a.text), $phrase)
