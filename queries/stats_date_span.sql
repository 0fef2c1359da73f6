-- one row: the first and last publication day; no parameters
select
    min(published_date) as first_day,
    max(published_date) as last_day
from articles
