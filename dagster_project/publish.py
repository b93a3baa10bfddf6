"""The analysts' snapshot: a copy of the warehouse's analytical tables in its own file.

DuckDB lets one process write a file, and any open handle, even read-only, blocks another
process's writes. So analysts never open the pipeline's `warehouse.duckdb`: they open
`published.duckdb`, which the pipeline writes under a temporary name and renames into
place in one atomic step, only after every blocking check upstream has passed. A reader
sees the previous snapshot or the new one, never a half-written file, and never holds a
lock the pipeline needs.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from dagster_project.warehouse import sql_path

SNAPSHOT_NAME = "published.duckdb"
# What analysts query: marts, regression tables and the classifications behind them.
PUBLISHED_SCHEMAS = ("marts", "analytics", "seeds")


def publish_snapshot(warehouse_path: Path, snapshot_path: Path, run_id: str) -> dict[str, int]:
    """Copy the published schemas into a new file and rename it over the snapshot.

    Returns the row count of every table copied. The snapshot also holds
    `meta.snapshot_tables` (table, rows, published_at, run_id) so a reader can tell which
    run it is looking at.
    """
    partial = snapshot_path.with_name(snapshot_path.name + ".partial")
    partial.unlink(missing_ok=True)
    published_at = datetime.now(timezone.utc)
    counts: dict[str, int] = {}
    with duckdb.connect(str(warehouse_path)) as con:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where database_name = current_database() and schema_name in (select unnest(?)) order by all",
            [list(PUBLISHED_SCHEMAS)],
        ).fetchall()
        con.execute(f"attach '{sql_path(partial)}' as snapshot")
        try:
            for schema in sorted({s for s, _ in tables}):
                con.execute(f"create schema snapshot.{schema}")
            for schema, table in tables:
                con.execute(f"create table snapshot.{schema}.{table} as select * from {schema}.{table}")
                counts[f"{schema}.{table}"] = con.execute(
                    f"select count(*) from snapshot.{schema}.{table}"
                ).fetchone()[0]
            con.execute("create schema snapshot.meta")
            con.execute(
                "create table snapshot.meta.snapshot_tables as "
                "select t.table_name, t.row_count, ?::timestamptz as published_at, ?::varchar as run_id "
                "from (select unnest(?::varchar[]) as table_name, unnest(?::bigint[]) as row_count) t",
                [published_at, run_id, list(counts), list(counts.values())],
            )
        finally:
            con.execute("detach snapshot")
    _fsync(partial)
    os.replace(partial, snapshot_path)
    _fsync(snapshot_path.parent)
    return counts


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
