-- one row per GDELT batch a source handled at or after $since, plus its first batch ever
-- (the catch-up never reaches before it); params: $source, $since
select name
from source_batches
where
    source = $source
    and (
        name >= $since
        or name = (
            select min(b.name) from source_batches as b
            where b.source = $source
        )
    )
