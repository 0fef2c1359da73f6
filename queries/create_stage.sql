-- creates, in the attached database `stage`, the tables a load stages its changes in: new
-- articles with what they own, rejects, the run and its publish ids, shaped like this
-- database's tables (no keys: the load deduplicates before it writes); no parameters
create table stage.articles as from articles limit 0;
create table stage.mentions as from mentions limit 0;
create table stage.article_pairs as from article_pairs limit 0;
create table stage.evidence as from evidence limit 0;
create table stage.rejects as from rejects limit 0;
create table stage.ingest_runs as from ingest_runs limit 0;
create table stage.meta as from meta limit 0;
