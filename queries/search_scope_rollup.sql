-- one rollup of a search scope as a table, the first time a query reads it (board/search.py,
-- refs #18): the temporary "${table}" (e.g. pair_monthly_all) built from the matches' rows
-- of its kind or their daily rollup ('${daily}', built before it) with the ETL's own
-- rollup macro "${rollup}", in place of its view (search_scope_rollup_view.sql); no
-- parameters
drop view "${table}";

create temp table "${table}" as
select * from "${rollup}"('${daily}');
