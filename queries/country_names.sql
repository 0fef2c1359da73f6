-- one row per country of $codes that the database names: its name. params: $codes
select
    country,
    name
from countries
where list_contains($codes, country)
order by country
