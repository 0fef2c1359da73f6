-- one row per feed item a source has loaded; params: $source
select item_key
from source_items
where source = $source
