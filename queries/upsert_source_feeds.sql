-- upserts the registered watch_feeds rows (one per feed URL); no parameters. Every column
-- but the key (source, url) is the watcher's latest, so a conflict replaces the whole row
insert or replace into source_feeds by name
select * from watch_feeds
