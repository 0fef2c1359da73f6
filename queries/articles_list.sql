-- one row per article in the filters, newest first, one page of $row_limit from $row_offset:
-- date, source, language, title, url, tone, conflict, GDELT's V2Tone fields (GKG rows)
-- and, when a pair is given ($country_a < $country_b, both null for none), the pair's
-- sentence count and evidence sentences. A selected country ($countries) must be named;
-- with a pair and $window = 'sentence', both countries must share a sentence. $origin
-- ('text', 'gdelt' or null for both) keeps one kind of source. total_rows counts every match.
-- params: $start, $end, $lang, $source, $origin, $countries, $country_a, $country_b, $window,
-- $row_limit, $row_offset
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

of_countries as not materialized (
    select distinct
        article_id,
        published_at
    from country_articles
    where
        $country_a is null
        and list_contains($countries, country)
        and day between $start and $end
        and in_filters(lang, source, origin, $lang, $source, $origin)
),

-- each page keeps its source's columns: `union all by name` below lines them up by name and
-- leaves what one of them lacks (the pair's evidence) null, and the final list picks what
-- is shown, so only those columns of the 50 rows are read
pair_page as (
    select
        *,
        sentence_count as pair_sentences
    from of_pair
    order by published_at desc, article_id
    limit $row_limit offset $row_offset
),

dates_page as (
    select * from of_dates
    order by published_at desc, article_id
    limit $row_limit offset $row_offset
),

countries_page_ids as (
    select article_id from of_countries
    order by published_at desc, article_id
    limit $row_limit offset $row_offset
),

countries_page as (
    select * from articles
    where article_id in (select article_id from countries_page_ids)
),

matches as (
    select
        (select count(*) from of_pair)
        + (select count(*) from of_dates)
        + (select count(*) from of_countries) as total_rows
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
        matches.total_rows
    from (
        select * from pair_page
        union all by name
        select * from dates_page
        union all by name
        select * from countries_page
    ) as page
    cross join matches
)

select * from final
order by published_at desc, article_id
