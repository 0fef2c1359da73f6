-- the search postings (search_postings_rows) of every article at once, sorted by word: the
-- full rebuild when `articles` is a view (attach --views: no rowid to take chunks by,
-- etl/search_build.py); no parameters
insert into search_postings by name
select * from search_postings_rows('search_docs', 'articles')
