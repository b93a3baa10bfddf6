"""The README's commands, run exactly as written from a bare shell: no venv activated and nothing
exported but PATH and HOME (plus, where a test must not touch the project's own warehouse, the
documented settings WAREHOUSE_DIR / RAW_DATA_DIR / DATA_MIRROR pointing at scratch folders).

`make run` itself is run this way by the `real_warehouse` fixture (tests/conftest.py), and
`make test` is what runs this file.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dagster_project.settings import DBT_PROJECT_DIR, PROJECT_ROOT, Settings
from tests.helpers.dagster_services import graphql
from tests.helpers.pipeline_sample import YEARS, build_raw_dir
from tests.helpers.warehouse import bare_shell, copy_lake, make, warehouse_connection
from tests.helpers.wiod_sample import sample_year, write_rdata

UI_URL = "http://127.0.0.1:3000"  # where the README says `make ui` serves


@pytest.fixture
def sample_copy(sample_pipeline, tmp_path) -> Settings:
    """A copy of the good sample run's lake, so a command may write to it."""
    return copy_lake(sample_pipeline.settings, tmp_path / "warehouse")


LOCATION_QUERY = """{ workspaceOrError { ... on Workspace { locationEntries { name
  locationOrLoadError { __typename ... on PythonError { message }
    ... on RepositoryLocation { repositories { assetGroups { groupName }
      schedules { name scheduleState { status } } sensors { name sensorState { status } } } } } } } } }"""


def test_make_ui_loads_the_code_location_from_a_bare_shell(tmp_path):
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", 3000)) == 0:
            pytest.fail("port 3000 is in use: `make ui` serves there; stop what holds it")
    log_path = tmp_path / "make-ui.log"  # a file, not a pipe nobody reads: a full pipe would stall the UI
    with log_path.open("w") as log:
        process = subprocess.Popen(
            ["make", "ui"], cwd=PROJECT_ROOT, env=bare_shell(), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline, entry = time.monotonic() + 180, None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                (entry,) = graphql(UI_URL, LOCATION_QUERY)["workspaceOrError"]["locationEntries"]
                if entry["locationOrLoadError"] is not None:
                    break
            except (OSError, KeyError, TypeError, ValueError):
                pass
            time.sleep(1)
        assert entry is not None, f"the UI did not answer on port 3000:\n{log_path.read_text()[-3000:]}"
        loaded = entry["locationOrLoadError"]
        assert loaded["__typename"] == "RepositoryLocation", loaded.get("message")
        (repository,) = loaded["repositories"]
        assert {"ingest", "marts", "analysis", "publish"} <= {g["groupName"] for g in repository["assetGroups"]}
        # As the README says: the schedule, the landing sensor, the automation and the failure
        # sensor run under `make ui`.
        states = {s["name"]: s["scheduleState"]["status"] for s in repository["schedules"]}
        states |= {s["name"]: s["sensorState"]["status"] for s in repository["sensors"]}
        assert states == {
            "monthly_refresh": "RUNNING", "landing_folder": "RUNNING", "follow_inputs": "RUNNING",
            "report_run_failures": "RUNNING",
        }
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def test_make_sql_opens_the_published_snapshot_read_only(sample_pipeline):
    warehouse_dir = sample_pipeline.settings.warehouse_dir
    query = "select count(*) as n from marts.fct_manufacturing_servitization;\n"
    result = make("sql", "--no-print-directory", stdin=f".mode list\n{query}", WAREHOUSE_DIR=str(warehouse_dir))
    assert result.returncode == 0, result.stderr
    with warehouse_connection(sample_pipeline.settings, published=True) as con:
        expected = con.execute(query).fetchone()[0]
    assert expected > 0 and result.stdout.split() == ["n", str(expected)]


def test_make_docs_builds_the_dbt_site(sample_copy):
    result = make("docs", WAREHOUSE_DIR=str(sample_copy.warehouse_dir))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    site = PROJECT_ROOT / "dbt" / "target" / "docs" / "static_index.html"
    assert "fct_manufacturing_servitization" in site.read_text(encoding="utf-8")


def test_make_data_from_a_bare_shell(tmp_path):
    mirror, raw = tmp_path / "mirror", tmp_path / "raw"
    (mirror / "itu_idi").mkdir(parents=True)
    (mirror / "itu_idi" / "itu_idi_2017.csv").write_text("idi_rank_2017,iso3,itu_country_name,idi_2017\n")
    closed = "http://127.0.0.1:9"
    result = make(
        "data", "DATA_REFRESH=mirror", DATA_MIRROR=str(mirror), RAW_DATA_DIR=str(raw),
        WORLD_BANK_API_URL=closed, WIOD2013_BASE_URL=closed, ITU_IDI_URL=f"{closed}/idi.csv",
        DOWNLOAD_RETRIES="0", DOWNLOAD_TIMEOUT_S="2",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "data: 1 file(s) copied" in result.stdout and "the pipeline runs on what is on disk" in result.stdout
    assert (raw / "itu_idi" / "itu_idi_2017.csv").read_bytes() == (mirror / "itu_idi" / "itu_idi_2017.csv").read_bytes()


# `make backfill`, incremental by year: on a copy of the good sample run's lake, 2010 is replaced
# by a different generated table and `make backfill YEARS=2010` is run as written (DAGSTER_HOME
# left to its default). dbt rebuilds 2010 (and 2011, for the models with a one-year lag) of the
# year-grained models only (dbt/macros/in_run_years.sql), the lake is published again, and a
# `dbt build --full-refresh` of those models afterwards must change nothing.
# The year-grained models, with the years a change of 2010 rewrites in each.
YEAR_GRAINED = {
    "intermediate.int_industry_inputs_by_supplier": {2010},
    "intermediate.int_country_industry_accounts": {2010},
    "marts.fct_country_industry_year": {2010},
    "marts.fct_manufacturing_servitization": {2010},
    "marts.fct_value_added_proxy_final_demand": {2010},
    "marts.fct_value_added_proxy_exports": {2010},
    "marts.fct_services_value_added_proxy_in_manufacturing_exports": {2010},
    "marts.fct_value_added_proxy_indicators": {2010},
    "marts.fct_convergence_panel": {2010, 2011},
    "marts.fct_intermediate_exports": {2010, 2011},
}


def by_year(settings: Settings) -> dict[str, dict[int, tuple]]:
    """(rows, content hash) of each year of every year-grained table."""
    with warehouse_connection(settings) as con:
        return {
            table: {
                year: (rows, digest)
                for year, rows, digest in con.execute(
                    f"select year, count(*), sum(hash(t)) from {table} t group by year"
                ).fetchall()
            }
            for table in YEAR_GRAINED
        }


def test_make_backfill_of_a_changed_year_rewrites_its_years_only_and_equals_a_full_rebuild(
    sample_pipeline, tmp_path
):
    copied = copy_lake(sample_pipeline.settings, tmp_path / "warehouse")
    raw = tmp_path / "raw"
    build_raw_dir(raw)
    write_rdata(raw, sample_year(2010, seed=1))  # another table for 2010 (the default seed is the year)
    settings = Settings(data_mirror=copied.data_mirror, raw_dir=raw, warehouse_dir=copied.warehouse_dir)
    before = by_year(settings)
    published = settings.lake.published_snapshot()

    made = make("backfill", "YEARS=2010", RAW_DATA_DIR=str(raw), WAREHOUSE_DIR=str(settings.warehouse_dir))
    assert made.returncode == 0, made.stdout[-3000:] + made.stderr[-3000:]
    assert "2010" in made.stdout
    assert settings.lake.published_snapshot() > published  # published again
    (log,) = (settings.warehouse_dir / "logs").glob("refresh_all-*.log")
    assert "year-grained models: only the years 2010 (DBT_RUN_YEARS)" in log.read_text()
    # The years reach dbt without changing its parse: no dbt build re-parsed the project.
    assert "Unable to do partial parsing" not in log.read_text()

    after = by_year(settings)
    for table, rewritten in YEAR_GRAINED.items():
        # Every year there before is there after (the panel starts a year late: its lag).
        assert set(after[table]) == set(before[table]) and set(before[table]) >= set(YEARS[1:]), table
        for year in before[table]:
            if year in rewritten:
                assert after[table][year] != before[table][year], (table, year, "not rewritten")
            else:
                assert after[table][year] == before[table][year], (table, year, "touched")

    full = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "build", "--full-refresh", "--profiles-dir", ".",
         "--select", *(table.split(".")[1] for table in YEAR_GRAINED),
         "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")],
        cwd=DBT_PROJECT_DIR, env={**os.environ, **settings.lake.environment()},
        capture_output=True, text=True, timeout=600,
    )
    assert full.returncode == 0, full.stdout[-4000:]
    assert by_year(settings) == after


def test_make_lock_from_a_bare_shell_writes_the_committed_lock_files(tmp_path):
    """`make lock` (uv, against the package registry) reproduces both lock files byte for byte.

    It runs in a copy of the files it reads (times kept, the project's venv linked): rewriting the
    project's own lock files, even for a moment, would make every other worker's `make` command
    reinstall the venv under the tests that use it.
    """
    names = ("Makefile", "pyproject.toml", "requirements.lock", "requirements-dev.lock")
    for name in names:
        shutil.copy2(PROJECT_ROOT / name, tmp_path / name)
    (tmp_path / ".venv").symlink_to(PROJECT_ROOT / ".venv")
    result = make("lock", timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "installing" not in result.stdout  # the venv was up to date: nothing reinstalled under the other tests
    for name in ("requirements.lock", "requirements-dev.lock"):
        assert (tmp_path / name).read_text() == (PROJECT_ROOT / name).read_text(), name
