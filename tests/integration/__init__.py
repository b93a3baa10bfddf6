"""Tests that run Dagster, dbt and the lake on tables generated in the real layouts (the session's
sample run, or small runs of their own), and the servers on loopback: PostgreSQL, the webserver, the daemon."""
