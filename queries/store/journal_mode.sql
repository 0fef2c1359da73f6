-- the store's journal: WAL, so that readers never wait for the one writer; run outside any
-- transaction (SQLite cannot change it inside one); a no-op once the file is in WAL. no
-- parameters.
pragma journal_mode = wal;
