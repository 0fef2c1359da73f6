-- at most one row: the watchlist of this owner and name. params: :owner, :name
select
    owner,
    is_shared
from watchlists
where owner = :owner and name = :name
