-- one row (or none) for a database setting; params: $key
select value
from meta
where key = $key
