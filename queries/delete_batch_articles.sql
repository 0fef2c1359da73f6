-- deletes the articles of the registered batch_articles (and what they own), to re-tag them;
-- no parameters
delete from evidence
where article_id in (select article_id from batch_articles);
delete from article_pairs
where article_id in (select article_id from batch_articles);
delete from mentions
where article_id in (select article_id from batch_articles);
delete from articles
where article_id in (select article_id from batch_articles);
