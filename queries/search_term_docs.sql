-- one row per indexed article (doc_no) whose title or text has the word $term (already
-- normalised by search_words); params: $term
select doc_no
from search_postings
where term = $term
