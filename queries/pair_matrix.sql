-- one row per pair (country_a < country_b) of the matrix's countries: the selected
-- $countries when there are at least two, else the $top_n most mentioned in the filters.
-- Each row has the pair's articles, both countries' articles and all articles in the
-- period, the share per mille, and lift = observed / expected, where expected =
-- volume_a * volume_b / total_articles (independent mentions), so that big countries do not
-- dominate. With $window = 'sentence' every count is over articles with text only.
-- params: $start, $end, $lang, $source, $origin, $countries, $window, $top_n
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

axes as (
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
        articles
    from pair_volumes($start, $end, $lang, $source, $origin, $window)
    where
        country_a in (select country from axis)
        and country_b in (select country from axis)
),

-- read by pair_shares, which takes it by name
cells as (  -- noqa: ST03
    select
        axes.country_a,
        axes.country_b,
        axes.rank_a,
        axes.rank_b,
        coalesce(observed.articles, 0) as articles,
        axes.volume_a,
        axes.volume_b
    from axes
    left join observed
        on axes.country_a = observed.country_a and axes.country_b = observed.country_b
),

final as (
    select
        *,
        1.0 * volume_a * volume_b / nullif(total_articles, 0) as expected,
        articles / nullif(1.0 * volume_a * volume_b / nullif(total_articles, 0), 0) as lift
    from pair_shares('cells', $start, $end, $lang, $source, $origin, $window)
)

select * from final
order by least(rank_a, rank_b), greatest(rank_a, rank_b)
