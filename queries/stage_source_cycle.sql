-- copies one watched source's cycle row of this run into the attached stage (see
-- stage_source_state.sql); params: $source, $run_id
insert into stage.source_cycles by name
from source_cycles
where
    run_id = $run_id
    and source = $source
