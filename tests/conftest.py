"""Fixtures of the whole suite: the session's built warehouses (the real data, the generated sample), settings, the landing folder."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from dagster_project.settings import DBT_PROJECT_DIR, PROJECT_ROOT, Settings
from tests.helpers.warehouse import (
    SHARED_DATA,
    BuiltWarehouse,
    built_once,
    copy_lake,
    latest_run_id,
    make,
)

pytest_plugins = ["tests.helpers.postgres_server"]  # its session fixture `postgres`: one private PostgreSQL server


def pytest_configure(config):
    """dbt assets load from the manifest; build it if `make` has not."""
    if not (DBT_PROJECT_DIR / "target" / "manifest.json").exists():
        warehouse_dir = Path(os.environ.get("WAREHOUSE_DIR") or PROJECT_ROOT / "warehouse")
        lake = Settings(data_mirror=SHARED_DATA, raw_dir=PROJECT_ROOT / "data" / "raw", warehouse_dir=warehouse_dir).lake
        env = {**os.environ, **lake.environment()}
        dbt = Path(sys.executable).parent / "dbt"
        subprocess.run([str(dbt), "parse", "--quiet", "--profiles-dir", "."], cwd=DBT_PROJECT_DIR, env=env, check=True)


# `make test` runs three pytest-xdist workers on the two cores (a run's steps often wait: on
# dbt, on the pool, on a server starting), each taking whole modules (`--dist loadfile`) in the
# order collected. The modules that run whole pipelines come first, slowest first (measured), so
# that the workers end together: the Celery profile (on a raw folder of its own, compared with the
# real warehouse at its end), the real data (which builds the real warehouse).
SLOWEST_MODULES = (
    "test_celery_profile", "test_real_data", "test_innovation_pipeline", "test_reliability",
    "test_readme_commands", "test_releases_e2e", "test_findings_report_real_data", "test_bad_input_catalogue",
    "test_pipeline_e2e", "test_cli_and_failures", "test_dagster_ui",
)


def pytest_collection_modifyitems(config, items):
    def rank(item) -> int:
        name = item.module.__name__.rpartition(".")[2]
        return SLOWEST_MODULES.index(name) if name in SLOWEST_MODULES else len(SLOWEST_MODULES)

    items.sort(key=rank)  # stable: tests keep their order within a module


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_mirror=tmp_path / "mirror", raw_dir=tmp_path / "raw", warehouse_dir=tmp_path / "warehouse")


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
    return BuiltWarehouse(settings, home, latest_run_id(home), settings.warehouse_dir)


@pytest.fixture(scope="session")
def sample_pipeline(tmp_path_factory) -> BuiltWarehouse:
    """A complete good run on generated WIOD years beside the mirror's real indicator files.

    The last good state the reliability and bad-input tests start from; a test that breaks a
    file restores it. The run is made once per session (`built_once`); each test process works
    on its own copy of the raw folder and the warehouse, since its tests write to them.
    """
    from dagster_project.cli.run import materialize_all
    from dagster_project.definitions import build_defs
    from tests.helpers.pipeline_sample import build_raw_dir, settings_for

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
    return BuiltWarehouse(settings, home, latest_run_id(home), built / "warehouse")


@pytest.fixture
def landing_setup(tmp_path):
    """A mirror holding the real ITU file, a raw folder synced from it plus one generated year
    (2001, registered as a partition), an empty landing folder, and the definitions over them."""
    from dagster_project.cli import data_sync
    from dagster_project.definitions import build_defs
    from dagster_project.defs.input_output.partitions import register_years
    from tests.helpers.wiod_sample import sample_year, write_rdata

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


