-- deletes one watchlist (its alerts stay in the history). params: :owner, :name
delete from watchlists
where owner = :owner and name = :name
