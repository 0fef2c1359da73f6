-- applies a load's story signatures and the rows of the stories it touched (the attached
-- stage) to this database, after apply_stage.sql (refs #16); no parameters
insert or replace into story_signatures by name
select * from stage.story_signatures;

insert or replace into stories by name
select * from stage.stories;
