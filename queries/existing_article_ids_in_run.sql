-- one row per id of the registered relation batch_ids already written by this run;
-- params: $run_id
select articles.article_id
from articles
semi join batch_ids
    on articles.article_id = batch_ids.article_id
where articles.run_id = $run_id
