-- copies the attached stage's rows of one table into this database, where they are all
-- new (etl/load.py's write modes: the articles a load stages are not loaded yet, a
-- re-tagging stage's were deleted first); no parameters; ${table} names the table
insert into "${table}" by name
from stage."${table}"
