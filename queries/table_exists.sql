-- one row when a table of that name exists in the main schema; params: $table_name
select table_name
from information_schema.tables
where
    table_schema = 'main'
    and table_name = $table_name
