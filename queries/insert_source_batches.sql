-- records the registered watch_batches rows (one per GDELT batch handled); no parameters
insert or ignore into source_batches by name
select * from watch_batches
