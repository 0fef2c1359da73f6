-- applies a load's stage (the attached database `stage`) to this database, after its
-- tables' rows are copied (append_staged_rows.sql, upsert_staged_rows.sql): its publish
-- id, the articles' rows of pair_articles and country_articles, and the signed rows of
-- every aggregate (delta_*), which merge_aggregate.sql then merges, so only the keys (days,
-- months, years) the load touched are rewritten (etl/stage.py runs them in turn; the search
-- index's rows are apply_stage_search.sql's); no parameters. A re-tagging stage runs
-- replace_staged_articles.sql first, whose replaced_* rows are subtracted here (issue #13).
create temp table if not exists replaced_articles as select * from articles limit 0;  -- noqa: AM09
create temp table if not exists replaced_mentions as select * from mentions limit 0;  -- noqa: AM09
create temp table if not exists replaced_pairs as
select * from article_pairs limit 0;  -- noqa: AM09

insert or replace into meta by name from stage.meta
where key = 'publish_id';

insert into pair_articles by name
from pair_articles_rows(
        'stage.articles', 'stage.mentions', 'stage.article_pairs', 'stage.evidence'
    );

insert into country_articles by name
from country_articles_rows('stage.articles', 'stage.mentions');

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

-- the stories the load touched and their articles, whose story days are rebuilt (refs #16)
create or replace temp table touched_stories as
select coalesce(story_id, article_id) as story_id from stage.articles
union
select coalesce(story_id, article_id) as story_id from replaced_articles;

create or replace temp view touched_articles as
select * from articles
where coalesce(story_id, article_id) in (select story_id from touched_stories);

create or replace temp view touched_pair_articles as
select * from pair_articles
where story_id in (select story_id from touched_stories);

-- their story days counted once: queries/replace_story_days.sql then rebuilds each story days
-- table from these (etl/stage.py STORY_DAYS), two tables from each, where rebuilding each from
-- the views above scanned articles or pair_articles whole once per table; they are
-- temporary, gone with the connection
create or replace temp table touched_story_counts as
select * from story_day_counts('touched_articles');

create or replace temp table touched_pair_story_counts as
select * from pair_story_day_counts('touched_pair_articles');
drop table replaced_articles;
drop table replaced_mentions;
drop table replaced_pairs;
