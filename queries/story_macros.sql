-- defines signed_rows(articles_of, signatures_of): one row per article of the named
-- articles relation with its story signature, in the columns story assignment reads
-- (etl/stories.py); the story-row queries select from it (refs #16); no parameters
create or replace temp macro signed_rows(articles_of, signatures_of) as table
    select
    -- ids
        articles.article_id,
        articles.story_id,
        -- dimensions
        articles.lang,
        signatures.title_key,
        signatures.is_headline_only,
        signatures.url_key,
        signatures.numbers_key,
        signatures.minhash,
        signatures.vector,
        -- timestamps
        articles.published_at
    from query_table(articles_of) as articles
    inner join query_table(signatures_of) as signatures
        on articles.article_id = signatures.article_id;
