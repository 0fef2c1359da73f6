-- makes the search scope's view "${view}" (search_scope.sql) a temporary table of the same
-- name, the first time a query reads it (board/search.py, refs #18): the views that read it
-- then read the table; built under a name of its own, since a view and a table cannot share
-- one. The slot is a name of the scope's (search_pair_rows is no published table); no
-- parameters
create temp table search_built as
select * from "${view}";

drop view "${view}";

alter table search_built rename to "${view}";
