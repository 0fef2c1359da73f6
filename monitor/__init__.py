"""What the monitor adds on top of the published data, shared by the ETL and the dashboard:
the spike detector (`monitor.spikes`), the small writable store of watchlists and alert
history (`monitor.store`) and the monitor config's `[[watch]]` tables
(`monitor.watchlists`). None imports `etl` nor `board` (refs #17)."""
