"""What the monitor adds on top of the published data, shared by the ETL and the dashboard:
the spike detector (`monitor.spikes`), the small writable store of watchlists, alert
history and audit trail (`monitor.store`), who may see and change what in it once the
dashboard has sign-in (`monitor.team`), and the monitor config's `[[watch]]` tables
(`monitor.watchlists`). None imports `etl` nor `board` (refs #17, #19)."""
