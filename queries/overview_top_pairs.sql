-- one row per country pair (country_a < country_b) with at least $min_articles in the period
-- [$start, $end], most articles first: count and share per mille of all articles (numerator
-- and denominator), the previous period [$prev_start, $start) for comparison, mean pair
-- tone and conflict share (the spike flags are the detector's, over pair_activity, refs
-- #17). With $window = 'sentence' the count is articles
-- naming both countries in one sentence, out of articles with text; articles without text
-- (GDELT) are counted apart as not measured. share_either_pct is the count as a % of the
-- articles naming either country (either_articles, refs #18), null unless $measure is
-- 'share_either'. Ranked by $measure's value:
-- the share of either for 'share_either', else the count (the share of all is in
-- proportion to it).
-- With $unit = 'story' (refs #16) articles, total_articles, previous_articles and
-- previous_total_articles count distinct stories (a story once however many copies),
-- article_count the pair's articles beside them and sources_per_story the mean number of
-- distinct sources of the pair's stories, as the pair view's pair_summary.sql has it (all
-- three null in the article unit, which reads no story table).
-- params: $start, $end, $prev_start, $lang, $source, $origin, $countries, $window,
-- $min_articles, $row_limit, $measure, $unit
with

countries as (
    select * from countries
),

-- read only for the share of either: it costs the other measures' ranking a third more
volumes as (
    select * from country_volumes($start, $end, $lang, $source, $origin, $window)
    where $measure = 'share_either'
),

stories as (
    select * from pair_stories($start, $end, $lang, $source, $origin, $window)
    where $unit = 'story' and involves($countries, country_a, country_b)
),

current_pairs as (
    select
        country_a,
        country_b,
        sum(by_window($window, sentence_articles, articles))::bigint as articles,
        sum(by_window($window, articles - text_articles, 0))::bigint as not_measured_articles,
        sum(by_window($window, text_articles, articles))::bigint as both_articles,
        sum(tone_sum) / nullif(sum(tone_n), 0) as mean_tone,
        sum(conflict_sum) / nullif(sum(conflict_n), 0) as conflict_share
    from pair_period($start, $end, $lang, $source, $origin)
    where involves($countries, country_a, country_b)
    group by country_a, country_b
),

previous_pairs as (
    select
        country_a,
        country_b,
        articles
    from unit_pair_volumes(
            $prev_start, cast($start - interval 1 day as date), $lang, $source, $origin,
            $window, $unit
        )
    where involves($countries, country_a, country_b)
),

measured as (
    select
        current_pairs.* replace (
            by_unit($unit, coalesce(stories.stories, 0), current_pairs.articles) as articles
        ),
        by_unit($unit, current_pairs.articles, null) as article_count,
        coalesce(previous_pairs.articles, 0) as previous_articles,
        coalesce(totals.total_articles, 0) as total_articles,
        coalesce(previous_totals.total_articles, 0) as previous_total_articles,
        either_articles(volume_a.articles, volume_b.articles, current_pairs.both_articles)
            as either_articles
    from current_pairs
    left join volumes as volume_a on current_pairs.country_a = volume_a.country
    left join volumes as volume_b on current_pairs.country_b = volume_b.country
    left join previous_pairs
        on
            current_pairs.country_a = previous_pairs.country_a
            and current_pairs.country_b = previous_pairs.country_b
    cross join unit_total($start, $end, $lang, $source, $origin, $window, $unit) as totals
    cross join
        unit_total(
            $prev_start, cast($start - interval 1 day as date), $lang, $source, $origin,
            $window, $unit
        ) as previous_totals
    left join stories
        on
            current_pairs.country_a = stories.country_a
            and current_pairs.country_b = stories.country_b
),

final as (
    select
        -- ids
        measured.country_a,
        measured.country_b,
        -- dimensions
        coalesce(a.name, measured.country_a)
        || ' – '
        || coalesce(b.name, measured.country_b) as pair_name,
        -- measures
        measured.articles,
        measured.article_count,
        measured.total_articles,
        per_mille(measured.articles, measured.total_articles) as share_per_mille,
        measured.either_articles,
        per_cent(measured.articles, measured.either_articles) as share_either_pct,
        -- before the data starts there is nothing to compare with: null, not zero
        case
            when measured.previous_total_articles > 0 then measured.previous_articles
        end as previous_articles,
        measured.previous_total_articles,
        case
            when measured.previous_total_articles > 0
                then measured.articles - measured.previous_articles
        end as change,
        100.0
        * (measured.articles - measured.previous_articles)
        / nullif(measured.previous_articles, 0) as change_pct,
        measured.mean_tone,
        measured.conflict_share,
        measured.not_measured_articles
    from measured
    left join countries as a on measured.country_a = a.country
    left join countries as b on measured.country_b = b.country
    where measured.articles >= $min_articles
),

-- a top-N, not a numbering of every pair (which cost the article unit a fifth more)
ranked as (
    select
        *,
        case when $measure = 'share_either' then share_either_pct else articles end
            as ranked_value
    from final
    order by ranked_value desc nulls last, articles desc, country_a, country_b
    limit $row_limit
),

-- the distinct sources of each story of the ranked pairs, summed (pair_story_sources)
story_sources as (
    select *
    from pair_story_sources('ranked', $start, $end, $lang, $source, $origin, $window)
    where $unit = 'story'
)

select
    ranked.* exclude (ranked_value),
    1.0 * story_sources.story_sources / nullif(ranked.articles, 0) as sources_per_story
from ranked
left join story_sources
    on
        ranked.country_a = story_sources.country_a
        and ranked.country_b = story_sources.country_b
order by
    ranked.ranked_value desc nulls last,
    ranked.articles desc,
    ranked.country_a,
    ranked.country_b
