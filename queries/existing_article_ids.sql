-- one row per id of the registered relation batch_ids that is already loaded; no parameters
select articles.article_id
from articles
semi join batch_ids
    on articles.article_id = batch_ids.article_id
