-- one row per other owner with a watchlist of this name: alerts are kept once per watch name,
-- pair and day, so two owners' watchlists of one name would silence each other.
-- params: :name, :owner
select owner
from watchlists
where name = :name and owner != :owner
