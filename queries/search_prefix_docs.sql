-- one row per indexed article (doc_no) with a word starting with $prefix (normalised by
-- search_words); a range on the sorted words, so DuckDB reads only their row groups;
-- params: $prefix
select distinct doc_no
from search_postings
where
    term >= $prefix
    and term < $prefix || chr(1114111)
    and starts_with(term, $prefix)
