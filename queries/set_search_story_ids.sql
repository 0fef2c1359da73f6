-- gives the search index's documents of a load's stage (the attached database `stage`) the
-- stories assigned to their articles: apply_stage_search.sql may have numbered them while
-- the stories were being assigned (etl/stage.py, alongside_stories), so before any story
-- id was set; the article's own id for none, as search_docs_rows keeps it; no parameters
update search_docs
set story_id = coalesce(staged.story_id, staged.article_id)
from stage.articles as staged
where search_docs.article_id = staged.article_id;
