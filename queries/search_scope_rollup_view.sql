-- one rollup of a search scope (after search_scope.sql) as a view until a query reads it:
-- the temporary view "${table}" (e.g. pair_monthly_all) of the matches' rows of its kind
-- ('${daily}': search_country_rows or search_pair_rows) with the ETL's own rollup macro
-- "${rollup}"; from those rows, since a view of a rollup over the view of another rollup
-- would expand the same table macro twice, which DuckDB refuses as a recursion; no
-- parameters
create or replace temp view "${table}" as
select * from "${rollup}"('${daily}');
