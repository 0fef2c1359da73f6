-- one row per loaded article published between $start_at and $end_at (and not staged again
-- by this load) with its story and signature: what staged articles may join (refs #16);
-- needs story_macros.sql; params: $start_at, $end_at
select loaded.* replace (coalesce(loaded.story_id, loaded.article_id) as story_id)
from signed_rows('articles', 'story_signatures', 'mentions') as loaded
anti join stage.articles as staged
    on loaded.article_id = staged.article_id
where loaded.published_at between $start_at and $end_at
order by loaded.published_at, loaded.article_id
