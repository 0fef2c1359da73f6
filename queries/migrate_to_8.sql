-- upgrades a version 7 database to version 8: pair_articles gains each article's story_id
-- (itself until grouped), which the spike detector's distinct stories read instead of joining
-- every article (refs #17); filled here from the articles rather than by a rebuild of every
-- aggregate, which would rebuild the search index too; no parameters
alter table pair_articles add column if not exists story_id varchar;

update pair_articles
set story_id = coalesce(articles.story_id, articles.article_id)
from articles
where pair_articles.article_id = articles.article_id;
