-- copies one watched source's health row into the attached stage, so that the next load's
-- catch-up of the spare file carries it (issue #13: a spare is brought up to date from the
-- stage alone); params: $source
insert or replace into stage.source_state by name
from source_state
where source = $source
