-- one rollup of a search scope (after search_scope.sql): the temporary "${table}" (e.g.
-- pair_monthly_all) built from the scope's daily rows of its kind or their daily rollup
-- ('${daily}') with the ETL's own rollup macro "${rollup}", as board/search.py loops over
-- them (refs #18); no parameters
create or replace temp table "${table}" as
select * from "${rollup}"('${daily}');
