-- replaces the countries reference table by the registered batch_countries; no parameters
delete from countries;
insert into countries by name select * from batch_countries;
