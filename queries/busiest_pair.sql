-- at most one row: the country pair in the most articles over all the data, the sidebar's
-- default focus pair; no parameters
select
    country_a,
    country_b,
    sum(articles)::bigint as articles
from pair_monthly_all
group by country_a, country_b
order by articles desc, country_a, country_b
limit 1
