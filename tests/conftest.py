import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from filelock import FileLock

sys.path.insert(0, str(Path(__file__).parent))  # test helpers (wiod_sample)
pytest_plugins = ["postgres_server"]  # its session fixture `postgres`: one private PostgreSQL server

from dagster_project.settings import DBT_PROJECT_DIR, PROJECT_ROOT, Settings  # noqa: E402

SHARED_DATA = Path(os.environ.get("DATA_MIRROR") or PROJECT_ROOT.parent / "shared" / "data").resolve()


def pytest_configure(config):
    """dbt assets load from the manifest; build it if `make` has not."""
    if not (DBT_PROJECT_DIR / "target" / "manifest.json").exists():
        warehouse_dir = Path(os.environ.get("WAREHOUSE_DIR") or PROJECT_ROOT / "warehouse")
        lake = Settings(data_mirror=SHARED_DATA, raw_dir=PROJECT_ROOT / "data" / "raw", warehouse_dir=warehouse_dir).lake
        env = {**os.environ, **lake.environment()}
        dbt = Path(sys.executable).parent / "dbt"
        subprocess.run([str(dbt), "parse", "--quiet", "--profiles-dir", "."], cwd=DBT_PROJECT_DIR, env=env, check=True)


# `make test` runs two pytest-xdist workers, each taking whole modules (`--dist loadfile`) in
# the order collected, two at first. The modules that run whole pipelines come first, slowest
# first (measured), so that the two workers end together; the first two each build one of the
# shared warehouses (the sample, the real data), so that neither waits for the other's build.
SLOWEST_MODULES = (
    "test_server_profile", "test_real_data", "test_reliability", "test_findings_report",
    "test_innovation_pipeline", "test_readme_commands", "test_bad_input_catalogue",
    "test_releases_e2e", "test_pipeline_e2e",
)


def pytest_collection_modifyitems(config, items):
    def rank(item) -> int:
        name = item.module.__name__.rpartition(".")[2]
        return SLOWEST_MODULES.index(name) if name in SLOWEST_MODULES else len(SLOWEST_MODULES)

    items.sort(key=rank)  # stable: tests keep their order within a module


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_mirror=tmp_path / "mirror", raw_dir=tmp_path / "raw", warehouse_dir=tmp_path / "warehouse")


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


def copy_lake(settings: Settings, warehouse_dir: Path, raw_dir: Path | None = None) -> Settings:
    """A copy of an embedded (SQLite-catalog) lake under `warehouse_dir`, for a test that writes to it.

    DuckLake stores its data path in the catalog (data files are relative to it), so the copy's
    catalog is pointed at the copied data folder. The copy reads `raw_dir` (by default the
    original's raw folder).
    """
    copied = Settings(data_mirror=settings.data_mirror, raw_dir=raw_dir or settings.raw_dir, warehouse_dir=warehouse_dir)
    shutil.copytree(settings.lake.sqlite_file.parent, copied.lake.sqlite_file.parent)
    with sqlite3.connect(copied.lake.sqlite_file) as catalog:
        catalog.execute("update ducklake_metadata set value = ? where key = 'data_path'", [copied.data_path])
    return copied


@dataclass
class BuiltWarehouse:
    """A warehouse some run built: where it is now, and the Dagster instance that holds that run."""

    settings: Settings
    dagster_home: Path
    run_id: str
    built_warehouse_dir: Path  # where the run wrote (the paths in its events)

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

    `make test` runs two pytest-xdist workers; a warehouse that several of their tests need
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


def make(*args: str, timeout: float = 600, stdin: str | None = None, **settings: str) -> subprocess.CompletedProcess:
    """A README command, `make <args>`, from a bare shell with only the given settings exported."""
    return subprocess.run(
        ["make", *args], cwd=PROJECT_ROOT, env=bare_shell(**settings), input=stdin,
        capture_output=True, text=True, timeout=timeout,
    )


def _latest_run_id(dagster_home: Path) -> str:
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        (run,) = instance.get_runs(limit=1)
        return run.run_id


@pytest.fixture(scope="session")
def real_warehouse(tmp_path_factory) -> BuiltWarehouse:
    """The README's first command, `make run`, from a bare shell on the real data mirror.

    Only PATH and HOME, and the documented settings that send the warehouse and the run
    history to scratch folders (the raw folder is the project's own `data/raw`, which
    `make data` fills from the mirror). Built once per session and only read by the
    real-data tests.
    """
    if not (SHARED_DATA / "wiod2013").is_dir():
        pytest.fail(f"no data mirror at {SHARED_DATA}: the real-data tests need ../shared/data")

    def make_run(root: Path) -> None:
        home = root / "dagster_home"
        home.mkdir(parents=True)
        shutil.copy(PROJECT_ROOT / "dagster_home" / "dagster.yaml", home)
        made = make(
            "run", timeout=1500,
            DATA_MIRROR=str(SHARED_DATA), WAREHOUSE_DIR=str(root / "warehouse"), DAGSTER_HOME=str(home),
        )
        assert made.returncode == 0, f"make run failed:\n{made.stdout[-4000:]}\n{made.stderr[-4000:]}"

    root = built_once(tmp_path_factory, "real", make_run)
    settings = Settings(data_mirror=SHARED_DATA, raw_dir=PROJECT_ROOT / "data" / "raw", warehouse_dir=root / "warehouse")
    home = root / "dagster_home"
    return BuiltWarehouse(settings, home, _latest_run_id(home), settings.warehouse_dir)


def run_io_years(defs: dg.Definitions, years: list[str]) -> dg.ExecuteInProcessResult:
    """The yearly input-output job over `years`, on a fresh instance with the years on disk registered."""
    from dagster_project.defs.automation.schedules import partition_range_tags
    from dagster_project.defs.input_output.partitions import register_years

    instance = dg.DagsterInstance.ephemeral()
    register_years(instance, defs.resources["raw_files"].path)
    return defs.resolve_job_def("io_yearly").execute_in_process(
        instance=instance, tags=partition_range_tags(years), raise_on_error=False
    )


@pytest.fixture(scope="session")
def sample_pipeline(tmp_path_factory) -> BuiltWarehouse:
    """A complete good run on generated WIOD years beside the mirror's real indicator files.

    The last good state the reliability and bad-input tests start from; a test that breaks a
    file restores it. The run is made once per session (`built_once`); each test process works
    on its own copy of the raw folder and the warehouse, since its tests write to them.
    """
    from pipeline_sample import build_raw_dir, settings_for

    from dagster_project.cli.run import materialize_all
    from dagster_project.definitions import build_defs

    def good_run(root: Path) -> None:
        build_raw_dir(root / "raw")
        (root / "dagster_home").mkdir()
        with dg.DagsterInstance.local_temp(str(root / "dagster_home")) as instance:
            results = materialize_all(build_defs(settings_for(root, root / "raw")), instance, report=lambda _: None)
        assert all(r.success for r in results), "the good run on the generated sample failed"

    built = built_once(tmp_path_factory, "sample_pipeline", good_run)
    root = tmp_path_factory.mktemp("sample_copy")
    shutil.copytree(built / "raw", root / "raw", symlinks=True)
    shutil.copytree(built / "warehouse", root / "warehouse", ignore=shutil.ignore_patterns("lake"))
    settings = copy_lake(settings_for(built, built / "raw"), root / "warehouse", raw_dir=root / "raw")
    home = built / "dagster_home"
    return BuiltWarehouse(settings, home, _latest_run_id(home), built / "warehouse")


@pytest.fixture
def landing_setup(tmp_path):
    """A mirror holding the real ITU file, a raw folder synced from it plus one generated year
    (2001, registered as a partition), an empty landing folder, and the definitions over them."""
    from wiod_sample import sample_year, write_rdata

    from dagster_project.cli import data_sync
    from dagster_project.definitions import build_defs
    from dagster_project.defs.input_output.partitions import register_years

    settings = Settings(
        data_mirror=tmp_path / "mirror", raw_dir=tmp_path / "raw",
        warehouse_dir=tmp_path / "warehouse", landing_dir=tmp_path / "landing",
    )
    (settings.data_mirror / "itu_idi").mkdir(parents=True)
    shutil.copy2(SHARED_DATA / "itu_idi" / "itu_idi_2017.csv", settings.data_mirror / "itu_idi")
    data_sync.sync_mirror(settings.data_mirror, settings.raw_dir)
    write_rdata(settings.raw_dir, sample_year(2001))
    settings.landing_dir.mkdir()
    defs = build_defs(settings)
    instance = dg.DagsterInstance.ephemeral()
    register_years(instance, settings.raw_dir)
    return settings, defs, instance


def landing_tick(defs: dg.Definitions, instance: dg.DagsterInstance, cursor: str | None = None):
    """One evaluation of the landing sensor: its result and context (for the cursor)."""
    context = dg.build_sensor_context(
        instance=instance, cursor=cursor, definitions=defs,
        resources={k: defs.resources[k] for k in ("landing", "raw_files")},
    )
    return defs.get_sensor_def("landing_folder")(context), context
