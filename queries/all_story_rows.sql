-- one row per loaded article with its story signature, in publication order, none of them
-- assigned yet: a database attached over a lake assigns all its stories at once (refs #16);
-- needs story_macros.sql; no parameters
select signed.* replace (null::varchar as story_id)
from signed_rows('articles', 'story_signatures', 'mentions') as signed
order by signed.published_at, signed.article_id
