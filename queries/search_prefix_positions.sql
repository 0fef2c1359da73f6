-- one row per occurrence of a word starting with $prefix (normalised by search_words) in
-- an indexed article: its doc_no and position (word_no), for a phrase ending in a prefix;
-- a range on the sorted words, so DuckDB reads only their row groups; params: $prefix
select
    doc_no,
    word_no
from search_postings
where
    term >= $prefix
    and term < $prefix || chr(1114111)
    and starts_with(term, $prefix)
