"""The analysts' snapshot: a copy of the warehouse's analytical tables in its own file.

DuckDB lets one process write a file, and any open handle, even read-only, blocks another
process's writes. So analysts never open the pipeline's `warehouse.duckdb`: they open
`published.duckdb`, which the pipeline writes under a temporary name and renames into
place in one atomic step, only after every blocking check upstream has passed. A reader
sees the previous snapshot or the new one, never a half-written file, and never holds a
lock the pipeline needs.

The copy keeps the meanings: every table and column comment of the source (dbt writes its
descriptions as DuckDB COMMENTs, `persist_docs` in dbt/dbt_project.yml) is set on the copy,
so `select comment from duckdb_columns()` in the analysts' shell says what a column is.
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
        comments = _comments(con)
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
            for (schema, table, column), comment in {**comments, **SNAPSHOT_TABLES_COMMENTS}.items():
                target = f"snapshot.{schema}.{table}" + (_identifier(column) if column else "")
                con.execute(f"comment on {'column' if column else 'table'} {target} is {_literal(comment)}")
        finally:
            con.execute("detach snapshot")
    _fsync(partial)
    os.replace(partial, snapshot_path)
    _fsync(snapshot_path.parent)
    return counts


# The snapshot's own table, described here since no dbt model describes it.
SNAPSHOT_TABLES_COMMENTS: dict[tuple[str, str, str | None], str] = {
    ("meta", "snapshot_tables", None): "Which run this snapshot is: one row per published table, with its row "
    "count, when the snapshot was written and the Dagster run that wrote it.",
    ("meta", "snapshot_tables", "table_name"): "Published table, schema.table.",
    ("meta", "snapshot_tables", "row_count"): "Rows of the table in this snapshot.",
    ("meta", "snapshot_tables", "published_at"): "When the snapshot was written (UTC).",
    ("meta", "snapshot_tables", "run_id"): "Dagster run that wrote the snapshot.",
}


def _comments(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str, str | None], str]:
    """Non-empty comments of the published schemas' tables (column None) and columns."""
    rows = con.execute(
        "select schema_name, table_name, null::varchar as column_name, comment from duckdb_tables() "
        "where database_name = current_database() and schema_name in (select unnest($1)) "
        "and trim(coalesce(comment, '')) <> '' "
        "union all "
        "select c.schema_name, c.table_name, c.column_name, c.comment from duckdb_columns() c "
        "join duckdb_tables() t using (database_name, schema_name, table_name) "
        "where c.database_name = current_database() and c.schema_name in (select unnest($1)) "
        "and trim(coalesce(c.comment, '')) <> '' "
        "order by all",
        [list(PUBLISHED_SCHEMAS)],
    ).fetchall()
    return {(schema, table, column): comment for schema, table, column, comment in rows}


def _identifier(name: str) -> str:
    """A quoted column name, after a dot."""
    return '."' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    """A SQL string literal (quotes doubled)."""
    return "'" + text.replace("'", "''") + "'"


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
