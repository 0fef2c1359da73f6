-- one row per staged article with its story signature, for story assignment (refs #16):
-- story_id is the story a re-tagged article already belongs to (kept), else null; needs
-- story_macros.sql; no parameters
select staged.* replace (current.story_id as story_id)
from signed_rows('stage.articles', 'stage.story_signatures', 'stage.mentions') as staged
left join articles as current
    on staged.article_id = current.article_id
order by staged.published_at, staged.article_id
