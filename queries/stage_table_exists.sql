-- one row when the attached stage has a table of that name; params: $table_name
select table_name
from information_schema.tables
where
    table_catalog = 'stage'
    and table_schema = 'main'
    and table_name = $table_name
