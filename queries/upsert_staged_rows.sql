-- copies the attached stage's rows of one table into this database, replacing the rows
-- with their keys (the run's ingest_runs row is already here when the stage is applied to
-- the working file it was made on); no parameters; ${table} names the table
insert or replace into "${table}" by name
from stage."${table}"
