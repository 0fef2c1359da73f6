-- one row per item of $item_keys that a source has already loaded; params: $source,
-- $item_keys (a feed's current items: the lookup costs the feed's size, not the history's)
select item_key
from source_items
where
    source = $source
    and item_key in (select unnest($item_keys::varchar[]))
