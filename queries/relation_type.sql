-- one row when a table or view of that name exists in the main schema: its type ('BASE
-- TABLE', 'VIEW'); params: $table_name
select table_type
from information_schema.tables
where
    table_schema = 'main'
    and table_name = $table_name
