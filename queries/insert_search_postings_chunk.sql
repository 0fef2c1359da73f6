-- the search postings (search_postings_rows) of the articles whose rowid is in
-- [$first_row, $rows_end), appended sorted by word: one chunk of the full rebuild
-- (etl/search_build.py). The rowid range reads only the chunk's row groups of `articles`;
-- params: $first_row, $rows_end
insert into search_postings by name
with chunk as (  -- noqa: ST03
    select *
    from articles
    where rowid >= $first_row and rowid < $rows_end
)

select * from search_postings_rows('search_docs', 'chunk')
