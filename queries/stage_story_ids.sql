-- sets the registered batch_story_ids (article_id, story_id) on the staged articles, and
-- defines story_members: the articles of every story they touch, loaded ones the stage does
-- not replace and staged ones, for story_rows.sql (refs #16); no parameters
update stage.articles
set story_id = assigned.story_id
from batch_story_ids as assigned
where stage.articles.article_id = assigned.article_id;

create or replace temp view story_members as
with

touched as (
    select distinct story_id from batch_story_ids
),

loaded as (
    select articles.*
    from articles
    anti join stage.articles as staged
        on articles.article_id = staged.article_id
)

select
    loaded.article_id,
    loaded.story_id,
    loaded.source,
    loaded.lang,
    loaded.title,
    loaded.published_at
from loaded
semi join touched on loaded.story_id = touched.story_id
union all
select
    staged.article_id,
    staged.story_id,
    staged.source,
    staged.lang,
    staged.title,
    staged.published_at
from stage.articles as staged
semi join touched on staged.story_id = touched.story_id
