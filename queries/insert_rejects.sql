-- appends the registered batch_rejects (one row per rejected input row); no parameters
insert into rejects by name
select * from batch_rejects
