-- one row: the pair's headline figures over the whole period [$start, $end], the same sums
-- the overview's top pairs use, so they do not depend on the time bucket: articles
-- ($window = 'sentence': naming both in one sentence, out of articles with text), articles
-- not measured (no text, sentence window only), mean pair tone and conflict share weighted
-- by the articles that have them (not a mean of bucket means, refs #11).
-- params: $country_a, $country_b, $start, $end, $lang, $source, $origin, $window
with

pair_sums as (
    select
        coalesce(sum(articles), 0)::bigint as all_articles,
        coalesce(sum(text_articles), 0)::bigint as text_articles,
        coalesce(sum(sentence_articles), 0)::bigint as sentence_articles,
        sum(tone_sum) / nullif(sum(tone_n), 0) as mean_tone,
        sum(conflict_sum) / nullif(sum(conflict_n), 0) as conflict_share
    from pair_period($start, $end, $lang, $source, $origin)
    where
        country_a = $country_a
        and country_b = $country_b
),

final as (
    select
        -- measures
        by_window($window, sentence_articles, all_articles) as articles,
        by_window($window, all_articles - text_articles, 0) as not_measured_articles,
        mean_tone,
        conflict_share
    from pair_sums
)

select * from final
