-- one row per article in the filters, newest first, one page of $row_limit from $row_offset:
-- date, source, language, title, url, tone, conflict and, when a pair is given
-- ($country_a < $country_b, both null for none), the pair's sentence count and evidence
-- sentences. A selected country ($countries) must be mentioned; with a pair and
-- $window = 'sentence', both countries must share a sentence. total_rows counts every match.
-- params: $start, $end, $lang, $source, $countries, $country_a, $country_b, $window,
-- $row_limit, $row_offset
with

articles as (
    select * from articles
),

article_pairs as (
    select * from article_pairs
),

mentions as (
    select * from mentions
),

evidence as (
    select * from evidence
),

pair_articles as (
    select
        article_id,
        sentence_count
    from article_pairs
    where
        country_a = $country_a
        and country_b = $country_b
        and ($window = 'article' or sentence_count > 0)
),

selected_country_articles as (
    select distinct article_id
    from mentions
    where list_contains($countries, country)
),

matching as (
    select
        articles.article_id,
        articles.published_at
    from articles
    where
        articles.published_date between $start and $end
        and ($lang is null or articles.lang = $lang)
        and ($source is null or articles.source = $source)
        and (
            $country_a is null
            or articles.article_id in (select article_id from pair_articles)
        )
        and (
            len($countries) = 0
            or articles.article_id in (select article_id from selected_country_articles)
        )
),

page as (
    select *
    from matching
    order by published_at desc, article_id
    limit $row_limit
    offset $row_offset
),

page_evidence as (
    select
        evidence.article_id,
        list(evidence.sentence order by evidence.sentence_no) as evidence
    from evidence
    semi join page on evidence.article_id = page.article_id
    where
        evidence.country_a = $country_a
        and evidence.country_b = $country_b
    group by evidence.article_id
),

final as (
    select
        -- ids
        articles.article_id,
        -- dimensions
        articles.published_at,
        articles.source,
        articles.lang,
        articles.origin,
        articles.title,
        articles.url,
        -- measures
        articles.tone,
        articles.conflict,
        pair_articles.sentence_count as pair_sentences,
        page_evidence.evidence,
        (select count(*) from matching) as total_rows
    from page
    inner join articles on page.article_id = articles.article_id
    left join pair_articles on page.article_id = pair_articles.article_id
    left join page_evidence on page.article_id = page_evidence.article_id
)

select * from final
order by published_at desc, article_id
