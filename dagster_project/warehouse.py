"""Opening the DuckDB warehouse, and writing Python-asset tables into it, one transaction per write.

A year partition is replaced by deleting its rows and inserting the new ones in a
single transaction: a failure (or a killed process) before COMMIT leaves the previous
rows in place, and readers never see a half-written year.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd

PREVIEW_ROWS = 5
# DuckDB's error when another process has the file open: "... Conflicting lock is held in <program> (PID <n>)".
LOCK_HOLDER = re.compile(r"Conflicting lock is held in (.+?) \(PID (\d+)\)")


class WarehouseUnavailable(RuntimeError):
    """The warehouse file cannot be opened: another process holds it, or it is not a readable DuckDB file."""


def open_warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-write connection to the warehouse file, or a WarehouseUnavailable that says what to do.

    DuckDB's own errors name neither the remedy nor, for a damaged file, that the file is the
    problem (a truncated one says "Could not read enough bytes"). Other than another process's
    lock, every error opening an existing file this process may read and write is about its
    content (truncated, another format, another storage version): the file is named as not a
    DuckDB warehouse, with the command that rebuilds it. It is never moved or deleted here.
    """
    try:
        return duckdb.connect(str(path))
    except duckdb.Error as exc:
        raise WarehouseUnavailable(_unavailable(Path(path), exc)) from exc


def _unavailable(path: Path, exc: duckdb.Error) -> str:
    reason = str(exc).splitlines()[0]
    if holder := LOCK_HOLDER.search(reason):
        return (
            f"{path} is in use by another process ({holder[1]}, PID {holder[2]}): DuckDB lets one process at a "
            "time open it; close that process or wait for it to finish, then run again"
        )
    if path.is_file() and os.access(path, os.R_OK | os.W_OK):
        moved = [p for p in (path, path.with_name(path.name + ".wal")) if p.exists()]
        command = " && ".join(f"mv {shlex.quote(str(p))} {shlex.quote(str(p) + '.unreadable')}" for p in moved)
        return (
            f"{path} is not a readable DuckDB warehouse ({reason}). Everything in it can be rebuilt from the raw "
            f"files: move it aside and rebuild with `{command} && make run`"
        )
    return f"{path} cannot be opened ({reason})"


def sql_path(path) -> str:
    """A file path as a SQL string literal's contents (quotes doubled)."""
    return str(path).replace("'", "''")


def ensure_table(con: duckdb.DuckDBPyConnection, table: str, columns: Mapping[str, str]) -> None:
    schema = table.split(".")[0]
    con.execute(f"create schema if not exists {schema}")
    column_sql = ", ".join(f"{name} {sql_type}" for name, sql_type in columns.items())
    con.execute(f"create table if not exists {table} ({column_sql})")


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All writes inside commit together or not at all."""
    con.execute("begin transaction")
    try:
        yield con
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


def replace_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: Mapping[str, str],
    frame: pd.DataFrame,
    where: str = "true",
    params: Sequence = (),
) -> None:
    """Swap the rows matching `where` (default: all) for `frame`.

    Call inside `transaction` so that the swap is atomic; the table is created with the
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
) -> None:
    """`replace_rows` from any relation DuckDB can scan: a registered frame, `read_parquet(...)`."""
    ensure_table(con, table, columns)
    names = ", ".join(columns)
    con.execute(f"delete from {table} where {where}", list(params))
    con.execute(f"insert into {table} ({names}) select {names} from {relation}")


def replace_year(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: Mapping[str, str],
    frame: pd.DataFrame,
    classification: str,
    year: int,
) -> None:
    """Swap one year partition of one classification for `frame`."""
    replace_rows(con, table, columns, frame, "classification = ? and year = ?", [classification, year])


def table_metadata(
    con: duckdb.DuckDBPyConnection, table: str, where: str = "true", params: Sequence = ()
) -> dict[str, dg.MetadataValue]:
    """Row count and a small preview of what a materialization wrote, for the Dagster UI."""
    count = con.execute(f"select count(*) from {table} where {where}", list(params)).fetchone()[0]
    preview = con.execute(
        f"select * from {table} where {where} limit {PREVIEW_ROWS}", list(params)
    ).df()
    return {
        "dagster/row_count": dg.MetadataValue.int(int(count)),
        "preview": dg.MetadataValue.md(preview.to_markdown(index=False)),
    }


def column_schema(columns: Mapping[str, str], descriptions: Mapping[str, str]) -> dg.TableSchema:
    return dg.TableSchema(
        columns=[
            dg.TableColumn(name, sql_type.split()[0].lower(), description=descriptions.get(name))
            for name, sql_type in columns.items()
        ]
    )
