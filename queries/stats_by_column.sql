-- one row per value of an articles column chosen from a fixed list (lang, origin, source),
-- most articles first; params: $column_name
select
    case $column_name
        when 'lang' then lang
        when 'origin' then origin
        when 'source' then source
    end as value,
    count(*) as articles
from articles
group by value
order by articles desc, value
