-- defines story_members as every article, for story_rows.sql: the stories of a database
-- attached over a lake are rebuilt whole (refs #16); no parameters
create or replace temp view story_members as
select
    article_id,
    story_id,
    source,
    lang,
    title,
    published_at
from articles
