-- one row per occurrence of the word $term (already normalised by search_words) in an
-- indexed article: its doc_no and position (word_no), what a phrase is matched with;
-- params: $term
select
    doc_no,
    word_no
from search_postings
where term = $term
