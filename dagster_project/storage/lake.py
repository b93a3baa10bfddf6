"""The warehouse's storage: a DuckLake (a SQL catalog plus Parquet data files), with DuckDB as the engine.

Why DuckLake: a plain DuckDB file admits one writing process and any open handle blocks the
others, so every step queued behind one lock and analysts read a copy. A DuckLake catalog
admits several writing processes (each commit is a snapshot), any number of readers, and
reading any earlier snapshot (time travel). The catalog is an SQLite file by default (embedded:
no server; several local processes) or a PostgreSQL database for a team on several machines
(settings.py: `WAREHOUSE_CATALOG`, `WAREHOUSE_DATA_PATH`). The code path is the same.

Every connection attaches the lake under one name, `lake`, and makes it the default catalog,
so SQL names tables `schema.table` as before (`raw.wiod_flows`, `marts.fct_...`).

Writes go through `transactions`, which re-runs the whole transaction when a concurrent
writer wins: DuckLake retries catalog conflicts on PostgreSQL by itself, but an SQLite
catalog answers "database is locked" at COMMIT, after which only the whole transaction can be
retried (docs/ducklake-findings.md, section 3).

Publishing: the pipeline records the snapshot whose blocking checks all passed as a
commit whose message is `published` (`publish`); `meta.publications` lists them. Analysts
attach that snapshot read-only (`published_connection`, `make sql`), so they never see a
half-written run, and can read any earlier publication with `AT (VERSION => ...)`.

The extensions are DuckDB's signed builds that the duckdb-ext-* wheels install under
site-packages: `extension_directory` points there, nothing is downloaded (a runtime INSTALL
fails offline) and unsigned extensions stay refused.
"""

from __future__ import annotations

import json
import os
import random
import shlex
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.util import find_spec
from pathlib import Path

import duckdb

ALIAS = "lake"
PUBLISHED_MESSAGE = "published"
# Errors after which the whole transaction can be run again: SQLite's lock (a concurrent
# writer is committing), DuckLake's conflict between two deletes of one data file, and a
# PostgreSQL catalog whose own retries (ducklake_max_retry_count) ran out.
RETRYABLE = ("database is locked", "Transaction conflict", "maximum retry count")
# Writers that lose a race wait a little longer each time (seconds), with jitter so they do
# not collide again; about a minute in all before giving up.
BACKOFF_START, BACKOFF_CAP, ATTEMPTS = 0.05, 2.0, 40


def extension_directory() -> Path:
    """Where the duckdb-ext-* wheels put DuckDB's signed extensions (site-packages/duckdb_ext/extensions)."""
    spec = find_spec("duckdb_ext")
    if spec is None or not spec.submodule_search_locations:
        raise LakeUnavailable(
            "DuckDB's ducklake extension is not installed (the duckdb-ext-ducklake wheel): run `make install`"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "extensions"


class LakeUnavailable(RuntimeError):
    """The lake cannot be attached: not built yet, built with other settings, or its catalog is unreachable."""


@dataclass(frozen=True)
class Lake:
    """One DuckLake: its catalog (as ATTACH takes it after `ducklake:`) and its data path."""

    catalog: str
    data_path: str

    @property
    def sqlite_file(self) -> Path | None:
        return Path(self.catalog.removeprefix("sqlite:")) if self.catalog.startswith("sqlite:") else None

    def environment(self) -> dict[str, str]:
        """What dbt's profile reads (dbt/profiles.yml), for child processes."""
        return {
            "WAREHOUSE_CATALOG": self.catalog,
            "WAREHOUSE_DATA_PATH": self.data_path,
            "DUCKDB_EXTENSION_DIR": str(extension_directory()),
        }

    def attach_sql(self, *, read_only: bool = False, snapshot: int | None = None) -> str:
        options = ["READ_ONLY"] if read_only else [f"DATA_PATH {_literal(self.data_path)}"]
        if snapshot is not None:
            options.append(f"SNAPSHOT_VERSION {int(snapshot)}")
        if self.sqlite_file is not None and not read_only:
            # Readers and one writer at a time without blocking each other; kept in the file.
            options.append("META_JOURNAL_MODE 'WAL'")
        return f"ATTACH {_literal('ducklake:' + self.catalog)} AS {ALIAS} ({', '.join(options)})"

    def session_sql(self, *, read_only: bool = False, snapshot: int | None = None) -> list[str]:
        """The statements that open the lake in a fresh DuckDB session (the CLI's `-cmd`s, in order)."""
        return [
            f"SET extension_directory = {_literal(str(extension_directory()))}",
            "SET autoinstall_known_extensions = false",
            self.attach_sql(read_only=read_only, snapshot=snapshot),
            f"USE {ALIAS}",
            # PostgreSQL catalog: DuckLake retries its own commit conflicts; 10 (the default)
            # was too few at 17 concurrent writers, 100 was enough (docs/ducklake-findings.md).
            "SET ducklake_max_retry_count = 100",
        ]

    def connect(self, *, read_only: bool = False, snapshot: int | None = None) -> duckdb.DuckDBPyConnection:
        """A connection with the lake attached as `lake` and in use; the lake is created on first write.

        Read-only connections never create anything: a lake not built yet is a
        LakeUnavailable that says how to build it.
        """
        if self.sqlite_file is not None:
            if read_only and not self.sqlite_file.exists():
                raise LakeUnavailable(f"no warehouse at {self.sqlite_file} yet: build it with `make run`")
            if not read_only:
                self.sqlite_file.parent.mkdir(parents=True, exist_ok=True)
        if not read_only and "://" not in self.data_path:
            Path(self.data_path).mkdir(parents=True, exist_ok=True)
        con = duckdb.connect()
        try:
            for statement in self.session_sql(read_only=read_only, snapshot=snapshot):
                _with_retries(lambda s=statement: con.execute(s))
            if not read_only:
                _ensure_meta(con)
        except duckdb.Error as exc:
            con.close()
            raise LakeUnavailable(self._unavailable(exc)) from exc
        return con

    def _unavailable(self, exc: duckdb.Error) -> str:
        """What went wrong opening the lake, and for a damaged embedded catalog the command that rebuilds it.

        Every table of the lake is rebuilt from the raw files by `make run`; the damaged
        catalog (and the data files it describes, when they live beside it) is moved aside,
        never deleted here.
        """
        reason = _first_line(exc)
        if self.sqlite_file is None or not self.sqlite_file.is_file() or _retryable(exc):
            return f"the warehouse lake ducklake:{self.catalog} cannot be opened: {reason}"
        folder = self.sqlite_file.parent
        inside = Path(self.data_path).resolve().is_relative_to(folder.resolve()) if "://" not in self.data_path else False
        damaged = shlex.quote(str(folder if inside else self.sqlite_file))
        return (
            f"{self.sqlite_file} is not a readable DuckLake catalog ({reason}). Everything in the lake can be rebuilt "
            f"from the raw files: move it aside and rebuild with `mv {damaged} {damaged}.unreadable && make run`"
        )

    def shared_connection(self) -> duckdb.DuckDBPyConnection:
        """A connection of its own (a cursor: its own transactions) on this process's one attach of the lake.

        Attaching verifies the signed extensions and reads the catalog, about a second each
        time (measured); the pipeline's steps open the lake often, so a process attaches
        once and every later connection shares that attach. A forked process attaches anew.
        """
        key = (os.getpid(), self)
        if key not in _SHARED:
            _SHARED[key] = self.connect()
        cursor = _SHARED[key].cursor()
        cursor.execute(f"USE {ALIAS}")  # the default catalog is a setting of each connection
        return cursor

    def published_connection(self) -> duckdb.DuckDBPyConnection:
        """The analysts' view: the last published snapshot, read-only (LakeUnavailable if none yet)."""
        snapshot = self.published_snapshot()
        if snapshot is None:
            raise LakeUnavailable(
                f"ducklake:{self.catalog} has no published snapshot yet: a run publishes once every check passed "
                "(`make run`)"
            )
        return self.connect(read_only=True, snapshot=snapshot)

    def published_snapshot(self) -> int | None:
        with self.connect(read_only=True) as con:
            return published_snapshot(con)


# This process's attach of each lake (see Lake.shared_connection), by process id and lake.
_SHARED: dict[tuple[int, Lake], duckdb.DuckDBPyConnection] = {}


class _Attempt:
    """One try of a transaction (see `transactions`)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, last: bool):
        self.con, self.last, self.committed = con, last, False

    def __enter__(self) -> duckdb.DuckDBPyConnection:
        self.con.execute("begin transaction")
        return self.con

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc is None:
            try:
                self.con.execute("commit")
                self.committed = True
                return False
            except duckdb.Error as commit_error:
                exc = commit_error
                if not _retryable(exc) or self.last:
                    raise
        _rollback(self.con)
        # A retryable conflict is swallowed here, so the loop in `transactions` tries again.
        return _retryable(exc) and not self.last


def transactions(con: duckdb.DuckDBPyConnection, attempts: int = ATTEMPTS) -> Iterator[_Attempt]:
    """Tries of one write transaction, until one commits:

        for attempt in transactions(con):
            with attempt:
                ...  # every write of the transaction

    The body runs again from the start after a write conflict, so it must not depend on
    state the failed try changed outside the database. Other errors roll back and propagate;
    so does a conflict on the last try.
    """
    for number in range(attempts):
        attempt = _Attempt(con, last=number == attempts - 1)
        yield attempt
        if attempt.committed:
            return
        time.sleep(_backoff(number))


def current_snapshot(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute(f"select id from {ALIAS}.current_snapshot()").fetchone()[0]


def publish(con: duckdb.DuckDBPyConnection, snapshot: int, run_id: str, tables: Mapping[str, int]) -> None:
    """Record `snapshot` as published by `run_id`, with the row count of every published table.

    One commit, whose message marks it: `meta.publications` lists these commits.
    """
    published_at = datetime.now(timezone.utc)
    for attempt in transactions(con):
        with attempt:
            con.executemany(
                "insert into meta.published_tables values (?, ?, ?, ?, ?)",
                [[snapshot, table, rows, run_id, published_at] for table, rows in tables.items()],
            )
            con.execute(
                f"call {ALIAS}.set_commit_message('warehouse', ?, extra_info => ?)",
                [PUBLISHED_MESSAGE, json.dumps({"snapshot_id": snapshot, "run_id": run_id})],
            )


def published_snapshot(con: duckdb.DuckDBPyConnection) -> int | None:
    """The snapshot of the last publication (None if nothing was published yet)."""
    return con.execute("select max(snapshot_id) from meta.publications").fetchone()[0]


# Created with the lake (so a connection pinned to any snapshot sees them): publications are
# read from the catalog's snapshot list, which a pinned connection also sees whole.
META_SQL = (
    "create schema if not exists meta",
    f"""create view if not exists meta.publications as
        select (commit_extra_info::json->>'snapshot_id')::bigint as snapshot_id,
               snapshot_time as published_at,
               commit_extra_info::json->>'run_id' as run_id
        from {ALIAS}.snapshots()
        where commit_message = '{PUBLISHED_MESSAGE}'""",
    """create table if not exists meta.published_tables (
        snapshot_id bigint, table_name varchar, row_count bigint, run_id varchar, published_at timestamptz)""",
    "comment on view meta.publications is 'Every published state of the warehouse, oldest first: the lake "
    "snapshot whose blocking checks all passed (read it with AT (VERSION => snapshot_id)), when it was "
    "published and the Dagster run that built it.'",
    "comment on table meta.published_tables is 'Row count of every published table at each publication.'",
    "comment on column meta.published_tables.snapshot_id is 'The published lake snapshot (meta.publications).'",
    "comment on column meta.published_tables.table_name is 'Published table, schema.table.'",
    "comment on column meta.published_tables.row_count is 'Rows of the table in that snapshot.'",
    "comment on column meta.published_tables.run_id is 'Dagster run that built and published it.'",
    "comment on column meta.published_tables.published_at is 'When it was published (UTC).'",
)


def _ensure_meta(con: duckdb.DuckDBPyConnection) -> None:
    if con.execute(
        "select count(*) from duckdb_tables() where database_name = ? and schema_name = 'meta' "
        "and table_name = 'published_tables'",
        [ALIAS],
    ).fetchone()[0]:
        return
    for attempt in transactions(con):
        with attempt:
            for statement in META_SQL:
                con.execute(statement)


def _with_retries(action) -> None:
    for number in range(ATTEMPTS):
        try:
            return action()
        except duckdb.Error as exc:
            if not _retryable(exc) or number == ATTEMPTS - 1:
                raise
            time.sleep(_backoff(number))


def _retryable(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.Error) and any(text in str(exc) for text in RETRYABLE)


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.execute("rollback")
    except duckdb.Error:
        pass  # DuckDB already rolled back the failed commit: "no transaction is active"


def _backoff(number: int) -> float:
    return min(BACKOFF_CAP, BACKOFF_START * 2**number) * random.uniform(0.5, 1.0)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
