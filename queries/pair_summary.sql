-- one row: the pair's headline figures over the whole period [$start, $end], the same sums
-- the overview's top pairs use, so they do not depend on the time bucket: articles
-- ($window = 'sentence': naming both in one sentence, out of articles with text), articles
-- not measured (no text, sentence window only), mean pair tone and conflict share weighted
-- by the articles that have them (not a mean of bucket means, refs #11).
-- With $unit = 'story' (refs #16) articles counts the pair's distinct stories, article_count
-- its articles beside them and sources_per_story the mean number of distinct sources of a
-- story (how widely a report of the pair was copied); in the article unit both are null.
-- params: $country_a, $country_b, $start, $end, $lang, $source, $origin, $window, $unit
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

story_sums as (
    select *
    from
        pair_story_sums(
            $country_a, $country_b, $start, $end, $lang, $source, $origin, $window
        )
    where $unit = 'story'
),

final as (
    select
        -- measures
        by_unit(
            $unit,
            story_sums.stories,
            by_window($window, pair_sums.sentence_articles, pair_sums.all_articles)
        ) as articles,
        by_unit(
            $unit,
            by_window($window, pair_sums.sentence_articles, pair_sums.all_articles),
            null
        ) as article_count,
        1.0 * story_sums.story_sources / nullif(story_sums.stories, 0) as sources_per_story,
        by_window($window, pair_sums.all_articles - pair_sums.text_articles, 0)
            as not_measured_articles,
        pair_sums.mean_tone,
        pair_sums.conflict_share
    from pair_sums
    -- no row in the article unit, which counts no story
    left join story_sums on true
)

select * from final
