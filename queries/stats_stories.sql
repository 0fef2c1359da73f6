-- one row: how articles group into stories (refs #16): stories, those with more than one
-- article, the articles in those, the most articles and the most languages of one story;
-- no parameters
select
    count(*) as stories,
    count(*) filter (where articles > 1) as stories_with_copies,
    coalesce(sum(articles) filter (where articles > 1), 0) as articles_in_stories_with_copies,
    coalesce(max(articles), 0) as most_articles,
    coalesce(max(len(languages)), 0) as most_languages
from stories
