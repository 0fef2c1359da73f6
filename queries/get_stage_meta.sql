-- one row (or none) for a setting of the attached stage; params: $key
select value
from stage.meta
where key = $key
