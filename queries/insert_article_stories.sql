-- fills article_stories from the registered batch_story_ids (article_id, story_id) for a
-- lake attached as views (refs #16); no parameters
insert or replace into article_stories by name
select
    article_id,
    story_id
from batch_story_ids;
