-- defines signed_rows(articles_of, signatures_of, mentions_of): one row per article of the
-- named articles relation with its story signature, in the columns story assignment reads
-- (etl/stories.py); the story-row queries select from it (refs #16); no parameters.
-- countries (from the tagged mentions) and evidence_text (title and text, where a lead
-- vector can link it across languages or a signature can make it a near-duplicate) are the
-- cross-language link's evidence beyond the lead (etl/story_links.py) and the text whose
-- shingles are counted exactly when a signature's estimate is near the threshold
create or replace temp macro signed_rows(articles_of, signatures_of, mentions_of) as table
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
        (
            select list(distinct mentioned.country order by mentioned.country)
            -- mentions_of is the macro's argument, not a column to qualify
            from query_table(mentions_of) as mentioned  -- noqa: RF03
            where mentioned.article_id = articles.article_id
        ) as countries,
        case
            when signatures.vector is not null or signatures.minhash is not null
                then concat_ws(chr(10) || chr(10), articles.title, articles.text)
        end as evidence_text,
        -- timestamps
        articles.published_at
    from query_table(articles_of) as articles
    inner join query_table(signatures_of) as signatures
        on articles.article_id = signatures.article_id;
