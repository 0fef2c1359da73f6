-- one row per id of the registered relation batch_ids already staged by this run (a
-- re-tagging run replaces loaded articles, but loads an input repeat once); no parameters
select batch_ids.article_id
from batch_ids
semi join stage.articles
    on batch_ids.article_id = stage.articles.article_id
