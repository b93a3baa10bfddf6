"""Writing Python-asset tables into the warehouse lake.

A year partition is replaced by deleting its rows and inserting the new ones in one
transaction (lake.transactions): a failure (or a killed process) before COMMIT leaves the
previous rows in place, and readers never see a half-written year. Tables written a year at
a time are partitioned by year in the lake, so that writers of different years touch
different data files and never conflict (DuckLake detects deletes per file).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import duckdb
import pandas as pd


def sql_path(path) -> str:
    """A file path as a SQL string literal's contents (quotes doubled)."""
    return str(path).replace("'", "''")


def ensure_table(
    con: duckdb.DuckDBPyConnection, table: str, columns: Mapping[str, str], partitioned_by: Sequence[str] = ()
) -> None:
    """Create the table with its declared column types (and partitioning) unless it exists."""
    schema = table.split(".")[0]
    con.execute(f"create schema if not exists {schema}")
    exists = con.execute(
        "select count(*) from duckdb_tables() where database_name = current_database() "
        "and schema_name || '.' || table_name = ?",
        [table],
    ).fetchone()[0]
    if exists:
        return
    column_sql = ", ".join(f"{name} {sql_type}" for name, sql_type in columns.items())
    con.execute(f"create table {table} ({column_sql})")
    if partitioned_by:
        con.execute(f"alter table {table} set partitioned by ({', '.join(partitioned_by)})")


def replace_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: Mapping[str, str],
    frame: pd.DataFrame,
    where: str = "true",
    params: Sequence = (),
) -> None:
    """Swap the rows matching `where` (default: all) for `frame`.

    Call inside a `lake.transactions` attempt so that the swap is atomic; the table is created with the
    declared column types on first use, so types never depend on what pandas inferred.
    """
    con.register("incoming_rows", frame[list(columns)])
    try:
        replace_rows_from(con, table, columns, "incoming_rows", where, params)
    finally:
        con.unregister("incoming_rows")


def replace_rows_from(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: Mapping[str, str],
    relation: str,
    where: str = "true",
    params: Sequence = (),
    partitioned_by: Sequence[str] = (),
) -> None:
    """`replace_rows` from any relation DuckDB can scan: a registered frame, `read_parquet(...)`."""
    ensure_table(con, table, columns, partitioned_by)
    names = ", ".join(columns)
    con.execute(f"delete from {table} where {where}", list(params))
    con.execute(f"insert into {table} ({names}) select {names} from {relation}")
