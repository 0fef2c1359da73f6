-- one row per id of the registered relation batch_ids that is already loaded or staged by
-- this run; no parameters
with known as (
    select article_id from articles
    union all
    select article_id from stage.articles
)

select batch_ids.article_id
from batch_ids
semi join known
    on batch_ids.article_id = known.article_id
