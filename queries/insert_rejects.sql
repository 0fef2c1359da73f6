-- stages the registered batch_rejects (one row per rejected input row) in the attached
-- database `stage`; no parameters
insert into stage.rejects by name
select * from batch_rejects
