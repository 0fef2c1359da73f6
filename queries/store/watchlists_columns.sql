-- one row per column of the watchlists table, to tell a store made before a column was added.
-- no parameters.
select name
from pragma_table_info('watchlists')
