-- migrates a store made before sign-in (refs #19): every watchlist in it stays the team's,
-- unshared (its owner is ''). no parameters.
alter table watchlists add column is_shared integer not null default 0
