"""Publishing the analysts' state: the lake snapshot at the end of a run whose checks all passed.

Analysts never read the lake's latest state, which a run may be halfway through (dbt's table
models alone make two snapshots each). The publish asset is last in the lineage, so it runs
only when everything upstream, blocking checks included, succeeded in this run; it records
the lake's snapshot at that moment, with the row count of every published table, as a
publication (lake.publish). Readers attach that snapshot read-only (`make sql`,
`Lake.published_connection`): they see the previous publication or the new one, never a
half-written run, and hold no lock the pipeline needs. Earlier publications stay readable
(`meta.publications`, `AT (VERSION => snapshot_id)`).

Table and column comments are part of the lake's catalog (dbt's `persist_docs` writes them),
so the published state carries every meaning with it.
"""

from __future__ import annotations

import duckdb

from dagster_project.storage.lake import current_snapshot, publish

# What analysts query: marts, regression tables and the classifications behind them.
PUBLISHED_SCHEMAS = ("marts", "analytics", "seeds")


def publish_current_state(con: duckdb.DuckDBPyConnection, run_id: str) -> tuple[int, dict[str, int]]:
    """Publish the lake's current snapshot; returns it and the row count of every published table."""
    con.execute("begin transaction")  # one snapshot for the id and the counts
    try:
        snapshot = current_snapshot(con)
        tables = con.execute(
            "select schema_name || '.' || table_name from duckdb_tables() "
            "where database_name = current_database() and schema_name in (select unnest(?)) order by all",
            [list(PUBLISHED_SCHEMAS)],
        ).fetchall()
        counts = {name: con.execute(f"select count(*) from {name}").fetchone()[0] for (name,) in tables}
    finally:
        con.execute("rollback")
    publish(con, snapshot, run_id, counts)
    return snapshot, counts
