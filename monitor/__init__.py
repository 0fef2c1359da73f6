"""What the monitor adds on top of the published data, shared by the ETL and the dashboard:
the spike detector (`monitor.spikes`) and the small writable store of watchlists and alert
history (`monitor.store`). Neither imports `etl` nor `board` (refs #17)."""
