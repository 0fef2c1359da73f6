-- one row per story of the pair ($country_a < $country_b) with articles published on the
-- days [$start, $end], at most $row_limit, the stories with most articles first: one
-- evidence sentence per story (the first sentence naming both in its first article with
-- one; its title when no article has text), with that article's source, link and time.
-- An article not yet grouped is a story of its own (refs #16). Alerts and the digest.
-- params: $country_a, $country_b, $start, $end, $lang, $source, $row_limit
with

article_pairs as (
    select * from article_pairs
),

articles as (
    select * from articles
),

evidence as (
    select * from evidence
),

first_sentences as (
    select
        article_id,
        arg_min(sentence, sentence_no) as sentence
    from evidence
    where country_a = $country_a and country_b = $country_b
    group by article_id
),

pair_articles as (
    select
        -- ids
        articles.article_id,
        coalesce(articles.story_id, articles.article_id) as story_id,
        -- dimensions
        articles.source,
        articles.url,
        articles.title,
        first_sentences.sentence,
        -- timestamps
        articles.published_at
    from article_pairs
    inner join articles on article_pairs.article_id = articles.article_id
    left join first_sentences on article_pairs.article_id = first_sentences.article_id
    where
        article_pairs.country_a = $country_a
        and article_pairs.country_b = $country_b
        and articles.published_date between $start and $end
        and ($lang is null or articles.lang = $lang)
        and ($source is null or articles.source = $source)
),

ranked as (
    select
        *,
        row_number() over (
            partition by story_id
            order by sentence is null, published_at, article_id
        ) as rank_in_story,
        count(*) over (partition by story_id) as story_articles
    from pair_articles
),

final as (
    select
        -- ids
        story_id,
        article_id,
        -- dimensions
        source,
        url,
        title,
        coalesce(sentence, title) as sentence,
        -- measures
        story_articles,
        -- timestamps
        published_at
    from ranked
    where rank_in_story = 1
)

select * from final
order by story_articles desc, published_at desc, story_id
limit $row_limit
