-- one row per country pair x $bucket (day | week | month, by its first day) with articles in
-- [$start, $end]: the spike detector's input (monitor/spikes.py, refs #17). The pairs are
-- those in $pairs ('PRK-RUS') and every pair naming one of $countries; the count is in the
-- $window's unit (articles naming both, or naming both in one sentence), with their
-- distinct sources and stories (an article not yet grouped is a story of its own, refs #16).
-- $keywords (a list; empty for none) keeps the articles whose title or text has one of them.
-- params: $pairs, $countries, $start, $end, $lang, $source, $origin, $window, $bucket,
-- $keywords
with

article_pairs as (
    select * from article_pairs
),

articles as (
    select * from articles
),

-- read by name by pair_voices (query_table), which sqlfluff cannot see
matching as (  -- noqa: ST03
    select
        -- ids
        article_pairs.country_a,
        article_pairs.country_b,
        articles.article_id,
        coalesce(articles.story_id, articles.article_id) as story_id,
        -- dimensions
        articles.source,
        -- timestamps
        bucket_start(articles.published_date, $bucket) as day
    from article_pairs
    inner join articles on article_pairs.article_id = articles.article_id
    where
        articles.published_date between $start and $end
        and (
            list_contains($pairs, article_pairs.country_a || '-' || article_pairs.country_b)
            or list_contains($countries, article_pairs.country_a)
            or list_contains($countries, article_pairs.country_b)
        )
        and in_filters(articles.lang, articles.source, articles.origin, $lang, $source, $origin)
        and ($window = 'article' or article_pairs.sentence_count > 0)
        and (
            len($keywords) = 0
            or list_bool_or(
                list_transform(
                    $keywords,
                    lambda keyword: concat_ws(' ', articles.title, articles.text)
                    ilike '%' || keyword || '%'
                )
            )
        )
),

final as (
    select * from pair_voices('matching')
)

select * from final
order by country_a, country_b, day
