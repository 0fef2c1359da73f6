-- upserts the registered watch_feeds rows (one per feed URL); no parameters
insert into source_feeds by name
select * from watch_feeds
on conflict (source, url) do update set
    etag = excluded.etag,
    last_modified = excluded.last_modified,
    last_error = excluded.last_error,
    consecutive_failures = excluded.consecutive_failures,
    retry_at = excluded.retry_at
