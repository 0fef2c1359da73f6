-- stages the registered batch_* relations (one batch of tagged articles) in the attached
-- database `stage`; no parameters
insert into stage.articles by name select * from batch_articles;
insert into stage.mentions by name select * from batch_mentions;
insert into stage.article_pairs by name select * from batch_pairs;
insert into stage.evidence by name select * from batch_evidence;
insert into stage.story_signatures by name select * from batch_signatures;
