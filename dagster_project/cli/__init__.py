"""Command-line entry points: `make run`/`make backfill` (run), `make data` (data_sync), `make sql` (sql_shell)."""
