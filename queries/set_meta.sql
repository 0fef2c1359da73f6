-- upserts one database setting; params: $key, $value
insert or replace into meta (key, value)
values ($key, $value)
