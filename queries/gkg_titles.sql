-- one row per GKG article with a title, to be scored by the encoder after migrate_to_4;
-- no parameters
select
    article_id,
    title,
    lang,
    published_at,
    source
from articles
where origin = 'gkg' and title != ''
order by article_id
