-- inserts the registered batch_* relations (one batch of tagged articles); no parameters
insert into articles by name select * from batch_articles;
insert into mentions by name select * from batch_mentions;
insert into article_pairs by name select * from batch_pairs;
insert into evidence by name select * from batch_evidence;
