-- upgrades a version 4 database to version 5: every article belongs to a story (refs #16);
-- until the ETL groups them, each article is a story of its own (schema.sql, run first,
-- creates the stories table); no parameters
alter table articles add column if not exists story_id varchar;

update articles
set story_id = article_id
where story_id is null;

insert or replace into stories
select
    article_id as story_id,
    published_at as first_published_at,
    published_at as last_published_at,
    1 as articles,
    1 as sources,
    [lang] as languages,
    title
from articles;
