-- applies a load's stage (the attached database `stage`) to this database: its articles
-- with what they own, its rejects, run and publish id, and their signed rows merged into
-- every aggregate, so only the keys (days, months, years) the load touched are rewritten;
-- no parameters. A re-tagging stage runs replace_staged_articles.sql first, whose
-- replaced_* rows are subtracted here (issue #13).
create temp table if not exists replaced_articles as select * from articles limit 0;  -- noqa: AM09
create temp table if not exists replaced_mentions as select * from mentions limit 0;  -- noqa: AM09
create temp table if not exists replaced_pairs as
select * from article_pairs limit 0;  -- noqa: AM09

insert into articles by name from stage.articles;
insert into mentions by name from stage.mentions;
insert into article_pairs by name from stage.article_pairs;
insert into evidence by name from stage.evidence;
insert into rejects by name from stage.rejects;
insert or replace into ingest_runs by name from stage.ingest_runs;
insert or replace into meta by name from stage.meta
where key = 'publish_id';

insert into pair_articles by name
from pair_articles_rows(
        'stage.articles', 'stage.mentions', 'stage.article_pairs', 'stage.evidence'
    );

insert into country_articles by name
from country_articles_rows('stage.articles', 'stage.mentions');

insert into search_docs by name
from search_docs_rows(
        'stage.articles',
        (select coalesce(max(doc_no), 0) from search_docs)
    );

-- the postings of the load's articles only, appended sorted by word (refs #18)
create or replace temp table staged_docs as
select * from search_docs
semi join stage.articles on search_docs.article_id = stage.articles.article_id;

insert into search_postings by name
from search_postings_rows('staged_docs', 'stage.articles');

drop table staged_docs;

create or replace temp table delta_daily_totals as
select * from daily_totals_rows('stage.articles', 1)
union all by name
select * from daily_totals_rows('replaced_articles', -1);

create or replace temp table delta_country_daily as
select * from country_daily_rows('stage.articles', 'stage.mentions', 1)
union all by name
select * from country_daily_rows('replaced_articles', 'replaced_mentions', -1);

create or replace temp table delta_pair_daily as
select * from pair_daily_rows('stage.articles', 'stage.article_pairs', 1)
union all by name
select * from pair_daily_rows('replaced_articles', 'replaced_pairs', -1);

create or replace temp table delta_country_daily_all as
select *
from daily_all_rows('delta_country_daily');
create or replace temp table delta_country_monthly_all as
select *
from monthly_all_rows('delta_country_daily');
create or replace temp table delta_country_yearly_all as
select *
from yearly_all_rows('delta_country_daily');
create or replace temp table delta_pair_daily_all as
select *
from daily_all_rows('delta_pair_daily');
create or replace temp table delta_pair_monthly_all as
select *
from monthly_all_rows('delta_pair_daily');
create or replace temp table delta_pair_yearly_all as
select *
from yearly_all_rows('delta_pair_daily');

-- a key whose articles sum to 0 has no article left: a rebuild would not have it
merge into daily_totals  -- noqa: PRS
using merged_rows('daily_totals', 'delta_daily_totals') as m
using (day, lang, source, origin)
when matched and m.articles = 0 then delete
when matched then update
when not matched and m.articles != 0 then insert;

merge into country_daily  -- noqa: PRS
using merged_rows('country_daily', 'delta_country_daily') as m
using (day, lang, source, origin, country)
when matched and m.articles = 0 then delete
when matched then update
when not matched and m.articles != 0 then insert;

merge into pair_daily  -- noqa: PRS
using merged_rows('pair_daily', 'delta_pair_daily') as m
using (day, lang, source, origin, country_a, country_b)
when matched and m.articles = 0 then delete
when matched then update
when not matched and m.articles != 0 then insert;

merge into country_daily_all  -- noqa: PRS
using merged_rows('country_daily_all', 'delta_country_daily_all') as m
using (day, country)
when matched and m.articles = 0 then delete
when matched then update
when not matched and m.articles != 0 then insert;

merge into country_monthly_all  -- noqa: PRS
using merged_rows('country_monthly_all', 'delta_country_monthly_all') as m
using (month, country)
when matched and m.articles = 0 then delete
when matched then update
when not matched and m.articles != 0 then insert;

merge into country_yearly_all  -- noqa: PRS
using merged_rows('country_yearly_all', 'delta_country_yearly_all') as m
using (year, country)
when matched and m.articles = 0 then delete
when matched then update
when not matched and m.articles != 0 then insert;

merge into pair_daily_all  -- noqa: PRS
using merged_rows('pair_daily_all', 'delta_pair_daily_all') as m
using (day, country_a, country_b)
when matched and m.articles = 0 then delete
when matched then update
when not matched and m.articles != 0 then insert;

merge into pair_monthly_all  -- noqa: PRS
using merged_rows('pair_monthly_all', 'delta_pair_monthly_all') as m
using (month, country_a, country_b)
when matched and m.articles = 0 then delete
when matched then update
when not matched and m.articles != 0 then insert;

merge into pair_yearly_all  -- noqa: PRS
using merged_rows('pair_yearly_all', 'delta_pair_yearly_all') as m
using (year, country_a, country_b)
when matched and m.articles = 0 then delete
when matched then update
when not matched and m.articles != 0 then insert;

drop table replaced_articles;
drop table replaced_mentions;
drop table replaced_pairs;
