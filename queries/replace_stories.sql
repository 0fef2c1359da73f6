-- replaces the stories table with the registered batch_stories (refs #16); no parameters
delete from stories;

insert into stories by name
select * from batch_stories;
