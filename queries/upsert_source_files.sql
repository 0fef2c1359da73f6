-- upserts the registered watch_files rows (one per folder file loaded); no parameters
insert into source_files by name
select * from watch_files
on conflict (source, path) do update set
    sha256 = excluded.sha256,
    size = excluded.size,
    mtime_ns = excluded.mtime_ns,
    loaded_at = excluded.loaded_at
