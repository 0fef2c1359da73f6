-- one row per folder file a source has loaded; params: $source
select
    path,
    sha256,
    size,
    mtime_ns
from source_files
where source = $source
