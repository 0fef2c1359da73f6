-- one row per story of the story_members view (defined by stage_story_ids.sql or
-- set_story_ids.sql), in the columns of the stories table; the title is its first
-- article's, the one whose id is the story's (refs #16); no parameters
select
    -- ids
    story_id,
    -- dimensions
    list(distinct lang order by lang) as languages,
    coalesce(
        any_value(title) filter (where article_id = story_id),
        arg_min(title, published_at)
    ) as title,
    -- measures
    count(*)::integer as articles,
    count(distinct source)::integer as sources,
    -- timestamps
    min(published_at) as first_published_at,
    max(published_at) as last_published_at
from story_members
group by story_id
order by story_id
