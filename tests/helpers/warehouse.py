"""Reading and copying a built warehouse, building one once per session, and running README commands.

Tests read stored tables only through `warehouse_connection` (as `schema.table`), so that
they do not depend on how the warehouse is stored.
"""

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from filelock import FileLock

from dagster_project.settings import PROJECT_ROOT, Settings
from dagster_project.storage.lake import current_snapshot

SHARED_DATA = Path(os.environ.get("DATA_MIRROR") or PROJECT_ROOT.parent / "shared" / "data").resolve()


def warehouse_connection(settings: Settings, *, published: bool = False) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the warehouse lake's latest state, or to the analysts' published state.

    Tests read stored tables only through here (as `schema.table`), so that they do not
    depend on how the warehouse is stored.
    """
    return settings.lake.published_connection() if published else settings.lake.connect(read_only=True)


def checksums(con: duckdb.DuckDBPyConnection, schemas: Collection[str] | None = None) -> dict[str, tuple[int, int]]:
    """(row count, order-independent content hash) of every data table `con`'s lake holds (or of `schemas`).

    The `meta` schema's record of publications (run ids, times) is left out: it differs
    between two runs that built the same data.
    """
    tables = con.execute(
        "select schema_name || '.' || table_name from duckdb_tables() "
        "where database_name = current_database() and schema_name <> 'meta' order by 1"
    ).fetchall()
    return {
        name: con.execute(f"select count(*), coalesce(sum(hash(t)), 0) from {name} t").fetchone()
        for (name,) in tables
        if schemas is None or name.split(".")[0] in schemas
    }


def table_checksums(settings: Settings, *, published: bool = False) -> dict[str, tuple[int, int]]:
    """`checksums` of the warehouse's lake (or of its published state)."""
    with warehouse_connection(settings, published=published) as con:
        return checksums(con)


def latest_snapshot(settings: Settings) -> int:
    """The lake's current snapshot id: it changes with every commit."""
    with settings.lake.connect(read_only=True) as con:
        return current_snapshot(con)


def changed_tables_since(settings: Settings, snapshot: int) -> dict[str, tuple]:
    """The tables whose rows differ from what they were at `snapshot`: {name: (then, now)}.

    No commit since `snapshot` means no change, and nothing is read; otherwise every table is
    checksummed now and as of `snapshot` (DuckLake's time travel).
    """
    if latest_snapshot(settings) == snapshot:
        return {}
    with settings.lake.connect(read_only=True, snapshot=snapshot) as con:
        then = checksums(con)
    now = table_checksums(settings)
    return {name: (then.get(name), now.get(name)) for name in then.keys() | now.keys() if then.get(name) != now.get(name)}


# The catalog is copied with SQLite's backup API, in a process of its own. Reading its files here
# (a file copy) or opening it with Python's own SQLite would close file descriptors of the
# catalog in this process, and a close drops every POSIX lock the process holds on the file,
# those of its DuckDB connections to the lake included; another process may then take the lake's
# WAL index for unused and reset it under a reader (the probable cause of a test worker that died
# of SIGBUS reading a lake another worker was opening). A file copy of a WAL database can also be
# torn by a checkpoint.
BACKUP_CATALOG = r"""
import sqlite3, sys
source, target, data_path = sys.argv[1:4]
src, dst = sqlite3.connect(f"file:{source}?mode=ro", uri=True), sqlite3.connect(target)
src.backup(dst)
dst.execute("update ducklake_metadata set value = ? where key = 'data_path'", [data_path])
dst.commit()
dst.close()
src.close()
"""


def copy_lake(settings: Settings, warehouse_dir: Path, raw_dir: Path | None = None) -> Settings:
    """A copy of an embedded (SQLite-catalog) lake under `warehouse_dir`, for a test that writes to it.

    The catalog first (BACKUP_CATALOG says how), then the data files: DuckLake removes no data
    file until told to clean up (this project never does), so every file of the copied snapshot
    is there. DuckLake stores its data path in the catalog (data files are relative to it), so
    the copy's catalog is pointed at the copied data folder. The copy reads `raw_dir` (by
    default the original's raw folder).
    """
    copied = Settings(data_mirror=settings.data_mirror, raw_dir=raw_dir or settings.raw_dir, warehouse_dir=warehouse_dir)
    copied.lake.sqlite_file.parent.mkdir(parents=True)
    subprocess.run(
        [sys.executable, "-c", BACKUP_CATALOG, str(settings.lake.sqlite_file), str(copied.lake.sqlite_file),
         copied.data_path],
        check=True,
    )
    shutil.copytree(settings.data_path, copied.data_path)
    return copied


@dataclass
class BuiltWarehouse:
    """A warehouse some run built: where it is now, and the Dagster instance that holds that run."""

    settings: Settings
    dagster_home: Path
    run_id: str
    built_warehouse_dir: Path  # where the run wrote (the paths in its events)

    @property
    def as_built(self) -> Settings:
        """The warehouse where the run left it, to read only (tests write to `settings`' copy)."""
        return Settings(data_mirror=self.settings.data_mirror, raw_dir=self.settings.raw_dir,
                        warehouse_dir=self.built_warehouse_dir)

    def events(self) -> list[dg.DagsterEvent]:
        with dg.DagsterInstance.from_config(str(self.dagster_home)) as instance:
            return [r.dagster_event for r in instance.all_logs(self.run_id) if r.dagster_event is not None]

    @property
    def checks(self) -> dict[str, bool]:
        """The run's asset check results by check name."""
        return {
            e.event_specific_data.check_name: e.event_specific_data.passed
            for e in self.events()
            if e.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
        }


def built_once(tmp_path_factory, name: str, build: Callable[[Path], None]) -> Path:
    """`build(folder)` run by one test process of the session, the others waiting for it.

    `make test` runs several pytest-xdist workers; a warehouse that several of their tests need
    is built once into the folder all workers share (the parent of each worker's own temp
    folder), under a file lock. A build that failed is not retried by the other worker: it
    fails with the first one's error.
    """
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    folder, done, failed = shared / name, shared / f"{name}.done", shared / f"{name}.failed"
    with FileLock(str(shared / f"{name}.lock")):
        if failed.exists():
            pytest.fail(f"building {name} failed in another worker:\n{failed.read_text()}")
        if not done.exists():
            try:
                build(folder)
            except BaseException as exc:
                failed.write_text(f"{type(exc).__name__}: {exc}"[-6000:])
                raise
            done.touch()
    return folder


def bare_shell(**settings: str) -> dict[str, str]:
    """The environment of a new terminal: PATH and HOME only, plus the settings given."""
    return {"PATH": "/usr/bin:/bin", "HOME": os.environ.get("HOME", "/root"), **settings}


def make(
    *args: str, timeout: float = 900, stdin: str | None = None, cwd: Path = PROJECT_ROOT, **settings: str
) -> subprocess.CompletedProcess:
    """A README command, `make <args>` in `cwd`, from a bare shell with only the given settings exported.

    make runs in a session of its own and a timeout kills that whole process group: killing make
    alone (as subprocess.run does) would leave its children holding the output pipes, and the
    test would wait on them for good.
    """
    command = ["make", *args]
    with subprocess.Popen(
        command, cwd=cwd, env=bare_shell(**settings), stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    ) as process:
        try:
            stdout, stderr = process.communicate(stdin, timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            stdout, stderr = process.communicate()
            raise subprocess.TimeoutExpired(command, timeout, stdout, stderr) from None
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def latest_run_id(dagster_home: Path) -> str:
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        (run,) = instance.get_runs(limit=1)
        return run.run_id


def run_io_years(defs: dg.Definitions, years: list[str]) -> dg.ExecuteInProcessResult:
    """The yearly input-output job over `years`, on a fresh instance with the years on disk registered."""
    from dagster_project.defs.automation.schedules import partition_range_tags
    from dagster_project.defs.input_output.partitions import register_years

    instance = dg.DagsterInstance.ephemeral()
    register_years(instance, defs.resources["raw_files"].path)
    return defs.resolve_job_def("io_yearly").execute_in_process(
        instance=instance, tags=partition_range_tags(years), raise_on_error=False
    )


def landing_tick(defs: dg.Definitions, instance: dg.DagsterInstance, cursor: str | None = None):
    """One evaluation of the landing sensor: its result and context (for the cursor)."""
    context = dg.build_sensor_context(
        instance=instance, cursor=cursor, definitions=defs,
        resources={k: defs.resources[k] for k in ("landing", "raw_files")},
    )
    return defs.get_sensor_def("landing_folder")(context), context
