-- one row per value a sidebar filter offers (dimension = lang | source | country), busiest
-- first, with a display label ('North Korea (PRK)' for countries); no parameters
with

daily_totals as (
    select * from daily_totals
),

country_monthly_all as (
    select * from country_monthly_all
),

countries as (
    select * from countries
),

languages as (
    select
        'lang' as dimension,
        lang as value,
        lang as label,
        sum(articles)::bigint as articles
    from daily_totals
    group by lang
),

sources as (
    select
        'source' as dimension,
        source as value,
        source as label,
        sum(articles)::bigint as articles
    from daily_totals
    group by source
),

mentioned as (
    select
        country,
        sum(articles)::bigint as articles
    from country_monthly_all
    group by country
),

named_countries as (
    select
        'country' as dimension,
        mentioned.country as value,
        case
            when coalesce(countries.name, mentioned.country) = mentioned.country
                then mentioned.country
            else countries.name || ' (' || mentioned.country || ')'
        end as label,
        mentioned.articles
    from mentioned
    left join countries on mentioned.country = countries.country
),

final as (
    select * from languages
    union all
    select * from sources
    union all
    select * from named_countries
)

select * from final
order by dimension, articles desc, value
