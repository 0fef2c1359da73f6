-- one row per key column of an aggregate, in table order: every column that is not a
-- measure (is_measure, refresh_aggregates.sql), what merge_aggregate.sql merges on;
-- params: $table_name
select column_name
from duckdb_columns()
where
    database_name = current_database()
    and schema_name = 'main'
    and table_name = $table_name
    and not is_measure(column_name)
order by column_index
