-- stages the registered batch_stories (rows of the stories table) to replace their stories
-- when the stage is applied (refs #16); no parameters
insert or replace into stage.stories by name
select * from batch_stories;
