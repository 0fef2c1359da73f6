-- one row: the overview's totals for the filters (articles, text articles, countries
-- mentioned, pairs with at least $min_articles, first and last day, languages, sources).
-- With $countries selected, articles, days and languages count the articles naming at least
-- one of them (refs #11), all_articles keeps every article in the filters, and text articles
-- are counted only for $window = 'sentence' (else they equal the articles).
-- With $unit = 'story' (refs #16) stories counts the distinct stories of the articles
-- counted (null in the article unit), and pairs those with at least $min_articles stories.
-- params: $start, $end, $lang, $source, $origin, $countries, $window, $min_articles, $unit
with

daily_totals as (
    select * from daily_totals
),

coverage as (
    select
        -- measures
        coalesce(sum(articles), 0)::bigint as articles,
        coalesce(sum(text_articles), 0)::bigint as text_articles,
        count(distinct lang) as languages,
        count(distinct source) as sources,
        -- timestamps
        min(day) as first_day,
        max(day) as last_day
    from daily_totals
    where
        day between $start and $end
        and in_filters(lang, source, origin, $lang, $source, $origin)
),

-- country_articles and articles are read directly, not through import CTEs: DuckDB would
-- materialise them
selected_rows as (
    select
        article_id,
        story_id,
        lang,
        day
    from country_articles
    where
        len($countries) > 0
        and list_contains($countries, country)
        and day between $start and $end
        and in_filters(lang, source, origin, $lang, $source, $origin)
),

selected_counts as (
    select
        -- measures
        count(distinct lang) as languages,
        -- timestamps
        min(day) as first_day,
        max(day) as last_day
    from selected_rows
),

-- the selected countries' articles and those with text (which matter only to the sentence
-- window's not-measured note). For one or two countries the daily aggregates count them:
-- each country's, less the pair's, which named both (an article names a country once). Three
-- or more are counted over their rows and looked up in articles, since an article may name
-- three of them: at 10M articles the distinct count took 0.3 s of CPU for one country (50x
-- the rest of its totals), the lookup 2.1 s of the overview's 2.1 s (bench/query_latency.py)
selected_sums as (
    select
        coalesce(sum(articles), 0)::bigint as articles,
        coalesce(sum(text_articles), 0)::bigint as text_articles
    from (
        select
            articles,
            text_articles
        from country_period($start, $end, $lang, $source, $origin)
        where
            len($countries) in (1, 2)
            and list_contains($countries, country)
        union all
        select
            -articles as articles,
            -text_articles as text_articles
        from pair_period($start, $end, $lang, $source, $origin)
        where
            len($countries) = 2
            and list_contains($countries, country_a)
            and list_contains($countries, country_b)
        union all
        select
            count(distinct article_id) as articles,
            0 as text_articles
        from selected_rows
        where len($countries) > 2
        union all
        select
            0 as articles,
            count(*) as text_articles
        from articles
        where
            $window = 'sentence'
            and len($countries) > 2
            and sentence_count is not null
            and article_id in (select article_id from selected_rows)
    ) as counted
),

selected as (
    select
        selected_counts.*,
        selected_sums.articles,
        by_window($window, selected_sums.text_articles, selected_sums.articles)
            as text_articles
    from selected_counts
    cross join selected_sums
),

in_view as (
    select
        case when len($countries) > 0 then selected.articles else coverage.articles end
            as articles,
        case
            when len($countries) > 0 then selected.text_articles else coverage.text_articles
        end as text_articles,
        case when len($countries) > 0 then selected.languages else coverage.languages end
            as languages,
        case when len($countries) > 0 then selected.first_day else coverage.first_day end
            as first_day,
        case when len($countries) > 0 then selected.last_day else coverage.last_day end
            as last_day
    from coverage
    cross join selected
),

countries as (
    select count(distinct country) as countries
    from country_period($start, $end, $lang, $source, $origin)
    where
        articles > 0
        and (len($countries) = 0 or list_contains($countries, country))
),

pair_counts as (
    select
        country_a,
        country_b,
        sum(articles) as articles,
        sum(sentence_articles) as sentence_articles
    from pair_period($start, $end, $lang, $source, $origin)
    where
        involves($countries, country_a, country_b)
    group by country_a, country_b
),

-- a pair with an article in the filters has a story in them, so with the minimum at 1 the
-- story unit counts the pairs with articles, from the rollups, not the pairs' stories (at
-- 1M articles their story days cost the overview's totals 25 ms of CPU)
pairs as (
    select count(*) as pairs
    from pair_counts
    where
        not ($unit = 'story' and $min_articles > 1)
        and by_window($window, sentence_articles, articles)
        >= $min_articles
),

story_pairs as (
    select count(*) as pairs
    from pair_stories($start, $end, $lang, $source, $origin, $window)
    where
        $unit = 'story'
        and $min_articles > 1
        and involves($countries, country_a, country_b)
        and stories >= $min_articles
),

-- the stories of every article in the filters, or of those naming a selected country
stories as (
    select
        case
            when len($countries) > 0
                then (select count(distinct story_id) from selected_rows)
            else (
                select total_stories
                from period_stories($start, $end, $lang, $source, $origin, 'article')
            )
        end as stories
    where $unit = 'story'
),

final as (
    select
        in_view.articles,
        stories.stories,
        in_view.text_articles,
        coverage.articles as all_articles,
        countries.countries,
        case
            when $unit = 'story' and $min_articles > 1 then story_pairs.pairs
            else pairs.pairs
        end as pairs,
        in_view.languages,
        coverage.sources,
        in_view.first_day,
        in_view.last_day
    from coverage
    cross join in_view
    cross join countries
    cross join pairs
    cross join story_pairs
    left join stories on true
)

select * from final
