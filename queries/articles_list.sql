-- one row per article in the filters, newest first, one page of $row_limit from $row_offset:
-- date, source, language, title, url, tone, conflict, GDELT's V2Tone fields (GKG rows)
-- and, when a pair is given ($country_a < $country_b, both null for none), the pair's
-- sentence count and evidence sentences. A selected country ($countries) must be named;
-- with a pair and $window = 'sentence', both countries must share a sentence. $origin
-- ('text', 'gdelt' or null for both) keeps one kind of source. total_rows counts every match.
-- With $unit = 'story' (refs #16) the rows are the matching stories, newest first, each shown
-- by its first matching article, with its other matches folded: copies (how many),
-- copy_sources and copy_urls (in publication order), and total_rows counts the stories
-- (over dates alone, from the story days).
-- params: $start, $end, $lang, $source, $origin, $countries, $country_a, $country_b, $window,
-- $unit, $row_limit, $row_offset
-- (no import CTEs here: DuckDB materializes a CTE read twice, which would copy every
-- article's title and url before the page is cut)
with

-- three ways to match, of which the parameters leave exactly one; "not materialized" lets
-- each page read only its own rows' titles and urls
of_pair as not materialized (
    select *
    from pair_articles
    where
        $country_a is not null
        and country_a = $country_a
        and country_b = $country_b
        and ($window = 'article' or sentence_count > 0)
        and day between $start and $end
        and in_filters(lang, source, origin, $lang, $source, $origin)
        and (len($countries) = 0 or list_has_any(countries, $countries))
),

of_dates as not materialized (
    select *
    from articles
    where
        $country_a is null
        and len($countries) = 0
        and published_date between $start and $end
        and in_filters(lang, source, origin, $lang, $source, $origin)
),

country_rows as not materialized (
    select
        article_id,
        story_id,
        published_at,
        source
    from country_articles
    where
        $country_a is null
        and list_contains($countries, country)
        and day between $start and $end
        and in_filters(lang, source, origin, $lang, $source, $origin)
),

-- an article naming two selected countries is one match; one selected country names an
-- article once, and a distinct over its rows cost more than the rest at 10M articles
country_matches as not materialized (
    select * from country_rows
    where len($countries) = 1
    union all
    select distinct * from country_rows
    where len($countries) > 1
),

of_countries as not materialized (
    select
        article_id,
        published_at
    from country_matches
),

-- each page keeps its source's columns: `union all by name` below lines them up by name and
-- leaves what one of them lacks (the pair's evidence) null, and the final list picks what
-- is shown, so only those columns of the 50 rows are read
pair_page as (
    select
        *,
        sentence_count as pair_sentences
    from of_pair
    where $unit = 'article'
    order by published_at desc, article_id
    limit $row_limit offset $row_offset
),

dates_page as (
    select * from of_dates
    where $unit = 'article'
    order by published_at desc, article_id
    limit $row_limit offset $row_offset
),

countries_page_ids as (
    select article_id from of_countries
    where $unit = 'article'
    order by published_at desc, article_id
    limit $row_limit offset $row_offset
),

-- the story unit over dates alone (no pair, no countries): the period's stories by the day
-- each first runs in it, from the story days (refs #16), so that the page's stories need
-- not be found among every article's: grouping a year's 600k stories cost 450 ms
period_firsts as materialized (
    select
        story_days.story_id,
        story_days.day
    from chosen_story_days($lang, $source) as story_days
    where
        $unit = 'story'
        and $country_a is null
        and len($countries) = 0
        and first_in_period(story_days, $start, $end, $origin, 'article')
),

dated_story_days as (
    select
        day,
        count(*) as stories
    from period_firsts
    group by day
),

-- the page's stories (newest first) all first ran on or after the latest day from which
-- the period holds enough stories to fill the page: a story that ran before it ranks after
-- them; the whole period for the other scopes, the last pages and the CSV (no limit)
page_since as (
    select
        coalesce(
            (
                select max(day)
                from (
                    select
                        day,
                        sum(stories) over (order by day desc) as running
                    from dated_story_days
                ) as newest
                where running >= $row_offset + $row_limit
            ),
            $start
        ) as day
),

-- the stories first running from then on
page_candidates as (
    select story_id from period_firsts
    where day >= (select day from page_since)
),

-- their articles: few, read once for the page and its copies
dated_matches as materialized (
    select
        article_id,
        coalesce(story_id, article_id) as story_id,
        published_at,
        source,
        url
    from of_dates
    where
        $unit = 'story'
        -- an equality with each day from then on, which DuckDB pushes into the scan of
        -- articles as a range of days (a comparison with one day it cannot: at 1M
        -- articles, 550k English ones read for a page)
        and published_date in (
            select cast(unnest(generate_series(day, $end, interval 1 day)) as date)
            from page_since
        )
        and coalesce(story_id, article_id) in (select story_id from page_candidates)
),

-- the story unit: every match with its story, source and link (over dates alone, of the
-- page's candidate stories)
story_matches as not materialized (
    select
        article_id,
        story_id,
        published_at,
        source,
        url
    from of_pair
    where $unit = 'story'
    union all
    select * from dated_matches
    union all
    -- country_articles has all but the link, which only the page's copies need (copy_links):
    -- looking every match up in articles cost 3/4 of this query's 170 ms at 1M articles
    select
        *,
        null as url
    from country_matches
    where $unit = 'story'
),

matched_stories as (
    select
        story_id,
        min(published_at) as first_published_at,
        arg_min(article_id, (published_at, article_id)) as article_id,
        count(*) - 1 as copies
    from story_matches
    group by story_id
),

stories_page as (
    select * from matched_stories
    order by first_published_at desc, article_id
    limit $row_limit offset $row_offset
),

-- the copies of the page's stories only: listing every story's would cost the page a
-- list per match
copy_rows as materialized (
    select story_matches.*
    from story_matches
    inner join stories_page
        on
            story_matches.story_id = stories_page.story_id
            and story_matches.article_id != stories_page.article_id
),

-- the links of the copies matched through country_articles
copy_links as (
    select
        article_id,
        url
    from articles
    where
        article_id in (
            select article_id from copy_rows
            where url is null
        )
),

page_copies as (
    select
        copy_rows.story_id,
        list(copy_rows.source order by copy_rows.published_at, copy_rows.article_id)
            as copy_sources,
        list(
            coalesce(copy_rows.url, copy_links.url)
            order by copy_rows.published_at, copy_rows.article_id
        ) as copy_urls
    from copy_rows
    left join copy_links on copy_rows.article_id = copy_links.article_id
    group by copy_rows.story_id
),

-- each story of the page shown by its first matching article: the pair's row of it with a
-- pair, else its article
story_firsts as (
    select
        *,
        sentence_count as pair_sentences
    from pair_articles
    where
        $country_a is not null
        and country_a = $country_a
        and country_b = $country_b
        and article_id in (select article_id from stories_page)
    union all by name
    select * from articles
    where
        $country_a is null
        and article_id in (select article_id from stories_page)
),

story_rows as (
    select
        story_firsts.*,
        stories_page.copies,
        page_copies.* exclude (story_id)
    from story_firsts
    inner join stories_page on story_firsts.article_id = stories_page.article_id
    left join page_copies on stories_page.story_id = page_copies.story_id
),

countries_page as (
    select * from articles
    where article_id in (select article_id from countries_page_ids)
),

matches as (
    select
        case
            when $unit = 'story' and $country_a is null and len($countries) = 0
                then (select coalesce(sum(stories), 0) from dated_story_days)
            when $unit = 'story' then (select count(*) from matched_stories)
            else
                (select count(*) from of_pair)
                + (select count(*) from of_dates)
                + (select count(*) from of_countries)
        end as total_rows
),

final as (
    select
        page.article_id,
        page.published_at,
        page.source,
        page.lang,
        page.origin,
        page.title,
        page.url,
        page.evidence,
        page.evidence_highlights,
        page.tone,
        page.conflict,
        page.gdelt_tone,
        page.gdelt_positive,
        page.gdelt_negative,
        page.gdelt_polarity,
        page.pair_sentences,
        page.copies,
        page.copy_sources,
        page.copy_urls,
        matches.total_rows
    from (
        select * from pair_page
        union all by name
        select * from dates_page
        union all by name
        select * from countries_page
        union all by name
        select * from story_rows
    ) as page
    cross join matches
)

select * from final
order by published_at desc, article_id
