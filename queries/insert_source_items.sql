-- records the registered watch_items rows (one per feed item loaded); no parameters
insert or ignore into source_items by name
select * from watch_items
