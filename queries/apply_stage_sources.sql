-- applies the watcher's staged state (queries/source_state_schema.sql, written through
-- etl/watch/state.py) to this database; applying it twice changes nothing, since the
-- working file already holds what the spare catches up on; no parameters
insert or replace into source_state by name from stage.source_state;
insert or replace into source_feeds by name from stage.source_feeds;
insert or replace into source_files by name from stage.source_files;
insert or ignore into source_items by name from stage.source_items;
insert or ignore into source_batches by name from stage.source_batches;

insert into source_cycles by name
from stage.source_cycles as staged
where not exists (
        select 1
        from source_cycles as cycles
        where
            cycles.run_id = staged.run_id
            and cycles.source = staged.source
    );
