-- deletes one table's rows of the articles a re-tagging stage replaces (replaced_articles,
-- from replace_staged_articles.sql): the tables keyed by the article that owns the row;
-- no parameters; ${table} names the table
delete from "${table}"
where article_id in (select article_id from replaced_articles)
