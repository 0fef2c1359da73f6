-- one row per article of a lake attached as views: its story, which the articles view
-- joins, since a view over Parquet cannot be updated (refs #16); no parameters
create table if not exists article_stories (
    article_id varchar primary key,
    story_id varchar not null
);
