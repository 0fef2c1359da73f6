-- one row per feed URL of a source with its validators and backoff; params: $source
select
    url,
    etag,
    last_modified,
    last_error,
    consecutive_failures,
    retry_at
from source_feeds
where source = $source
