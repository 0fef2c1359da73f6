-- records one setting of the attached stage (publish_id, base_publish_id, replaces);
-- params: $key, $value
insert into stage.meta (key, value)
values ($key, $value)
