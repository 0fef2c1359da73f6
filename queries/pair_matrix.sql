-- one row per pair (country_a < country_b) of the matrix's countries: the selected
-- $countries when there are at least two, else the $top_n most mentioned in the filters.
-- Each row has the pair's articles, both countries' articles and all articles in the
-- period, the share per mille, and lift = observed / expected, where expected =
-- volume_a * volume_b / total_articles (independent mentions), so that big countries do not
-- dominate; and share_either_pct, the pair's articles as a % of those naming either
-- country (either_articles, refs #18). With $window = 'sentence' every count is over
-- articles with text only.
-- With $unit = 'story' (refs #16) the pairs' cells and the share count distinct stories;
-- the axis, the volumes and so lift and the share of either stay in articles (the
-- dashboard asks for lift in articles).
-- params: $start, $end, $lang, $source, $origin, $countries, $window, $unit, $top_n
with

volumes as (
    select * from country_volumes($start, $end, $lang, $source, $origin, $window)
),

axis as (
    select
        country,
        articles,
        row_number() over (order by articles desc, country) as axis_rank
    from volumes
    where
        case
            when len($countries) >= 2 then list_contains($countries, country)
            else true
        end
    qualify axis_rank <= case when len($countries) >= 2 then len($countries) else $top_n end
),

cells as (
    select
        a.country as country_a,
        b.country as country_b,
        a.articles as volume_a,
        b.articles as volume_b,
        a.axis_rank as rank_a,
        b.axis_rank as rank_b
    from axis as a
    inner join axis as b on a.country < b.country
),

observed as (
    select
        country_a,
        country_b,
        articles,
        both_articles
    from unit_pair_volumes($start, $end, $lang, $source, $origin, $window, $unit)
    where
        country_a in (select country from axis)
        and country_b in (select country from axis)
),

final as (
    select
        -- ids
        cells.country_a,
        cells.country_b,
        -- dimensions
        country_name(cells.country_a) as name_a,
        country_name(cells.country_b) as name_b,
        cells.rank_a,
        cells.rank_b,
        -- measures
        coalesce(observed.articles, 0) as articles,
        cells.volume_a,
        cells.volume_b,
        totals.total_articles,
        per_mille(coalesce(observed.articles, 0), totals.total_articles)
            as share_per_mille,
        by_unit(
            $unit,
            null,
            either_articles(cells.volume_a, cells.volume_b, coalesce(observed.both_articles, 0))
        ) as either_articles,
        by_unit(
            $unit,
            null,
            per_cent(
                coalesce(observed.articles, 0),
                either_articles(
                    cells.volume_a, cells.volume_b, coalesce(observed.both_articles, 0)
                )
            )
        ) as share_either_pct,
        by_unit(
            $unit,
            null,
            1.0 * cells.volume_a * cells.volume_b / nullif(totals.total_articles, 0)
        ) as expected,
        by_unit(
            $unit,
            null,
            coalesce(observed.articles, 0)
            / nullif(1.0 * cells.volume_a * cells.volume_b / nullif(totals.total_articles, 0), 0)
        ) as lift
    from cells
    cross join unit_total($start, $end, $lang, $source, $origin, $window, $unit) as totals
    left join observed
        on cells.country_a = observed.country_a and cells.country_b = observed.country_b
)

select * from final
order by least(rank_a, rank_b), greatest(rank_a, rank_b)
