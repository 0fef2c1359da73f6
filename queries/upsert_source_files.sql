-- upserts the registered watch_files rows (one per folder file loaded); no parameters. Every
-- column but the key (source, path) is the file as last loaded, so a conflict replaces the row
insert or replace into source_files by name
select * from watch_files
