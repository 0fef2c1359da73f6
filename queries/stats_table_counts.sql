-- one row: the number of rows in each table; no parameters
select
    (select count(*) from articles) as articles,
    (select count(*) from stories) as stories,
    (select count(*) from mentions) as mentions,
    (select count(*) from article_pairs) as article_pairs,
    (select count(*) from evidence) as evidence,
    (select count(*) from rejects) as rejects,
    (select count(*) from ingest_runs) as ingest_runs,
    (select count(*) from countries) as countries
