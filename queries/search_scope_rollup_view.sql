-- one rollup of a search scope (after search_scope.sql) as a view until a query reads it:
-- the temporary view "${table}" (e.g. pair_monthly_all) of the scope's daily rows of its
-- kind ('${daily}') with the ETL's own rollup macro "${rollup}"; from the daily rows, since
-- a view of a rollup over the view of another rollup would expand the same table macro
-- twice, which DuckDB refuses as a recursion; no parameters
create or replace temp view "${table}" as
select * from "${rollup}"('${daily}');
