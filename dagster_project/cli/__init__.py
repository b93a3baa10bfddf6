"""Command-line entry points: `make run`/`make backfill` (run), `make data` (data_sync), `make sql` (sql_shell), the scale-out servers on one machine (scale_out)."""
