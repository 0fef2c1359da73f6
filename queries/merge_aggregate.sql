-- merges the signed rows of the temp table delta_${table} (apply_stage.sql) into the
-- aggregate ${table} on its key "${key}": every column but the measures (aggregate_key.sql),
-- which merged_rows groups by; a key whose articles sum to 0 has no article left, and a
-- rebuild would not have it; no parameters
merge into "${table}"  -- noqa: PRS
using merged_rows('${table}', 'delta_${table}') as m
using ("${key}")
when matched and m.articles = 0 then delete
when matched then update
when not matched and m.articles != 0 then insert
