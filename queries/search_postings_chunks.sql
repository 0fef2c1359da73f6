-- one row per chunk of the full rebuild's search postings (etl/search_build.py): a range
-- of $chunk_articles rowids of `articles` (a table; a view has no rowid), first_row
-- included, rows_end excluded; params: $chunk_articles
select
    range as first_row,
    range + $chunk_articles as rows_end
from range(0, (select coalesce(max(rowid) + 1, 0) from articles), $chunk_articles)
