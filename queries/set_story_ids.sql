-- sets the registered batch_story_ids (article_id, story_id) on the loaded articles: a
-- database attached over a lake gets its stories in one pass (refs #16); no parameters
update articles
set story_id = assigned.story_id
from batch_story_ids as assigned
where articles.article_id = assigned.article_id;

-- an article the lake holds no signature for (loaded before refs #16) is its own story
update articles
set story_id = article_id
where story_id is null;
