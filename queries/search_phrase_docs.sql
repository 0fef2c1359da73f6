-- one row per candidate article (doc_no of the registered relation search_candidates, the
-- articles having every word of the phrase) whose title or text holds the words in a row;
-- $pattern is a regular expression over the text folded as search_words folds it (lower
-- case, accents stripped): the phrase's words separated by anything but letters and digits.
-- The candidates' texts are read first (materialized), so only they are folded and matched.
-- params: $pattern
with

candidates as materialized (
    select
        d.doc_no,
        a.title,
        a.text
    from search_candidates as c
    inner join search_docs as d on c.doc_no = d.doc_no
    inner join articles as a on d.article_id = a.article_id
),

final as (
    select doc_no
    from candidates
    where
        regexp_matches(lower(strip_accents(title)), $pattern)
        or regexp_matches(lower(strip_accents(text)), $pattern)
)

select * from final
