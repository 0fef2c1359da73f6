-- rebuilds the story days ${table} of every story a load touched (the temp table
-- touched_stories, apply_stage.sql) from all of its articles: a copy that joins a story can
-- move its previous days, so they are no signed sums (refs #16). ${counts} is those stories'
-- day counts (touched_story_counts or touched_pair_story_counts, apply_stage.sql); params:
-- $by_facet, whether the table keeps them by language and source (story_facet_days,
-- pair_story_facet_days)
delete from "${table}"
where story_id in (select story_id from touched_stories);

insert into "${table}" by name
from story_days_of('${counts}', $by_facet);
