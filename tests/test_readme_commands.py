"""The README's commands, run exactly as written from a bare shell: no venv activated and nothing
exported but PATH and HOME (plus, where a test must not touch the project's own warehouse, the
documented settings WAREHOUSE_DIR / RAW_DATA_DIR / DATA_MIRROR pointing at scratch folders).

`make run` itself is run this way by the `real_warehouse` fixture (tests/conftest.py), and
`make test` is what runs this file.
"""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request

import pytest
from conftest import copy_lake, warehouse_connection

from dagster_project.settings import PROJECT_ROOT, Settings

UI_URL = "http://127.0.0.1:3000"  # where the README says `make ui` serves


def bare_shell(**settings: str) -> dict[str, str]:
    """The environment of a new terminal: PATH and HOME only, plus the settings given."""
    return {"PATH": "/usr/bin:/bin", "HOME": os.environ.get("HOME", "/root"), **settings}


def make(*args: str, timeout: float = 600, stdin: str | None = None, **settings: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", *args], cwd=PROJECT_ROOT, env=bare_shell(**settings), input=stdin,
        capture_output=True, text=True, timeout=timeout,
    )


@pytest.fixture
def sample_copy(sample_pipeline, tmp_path) -> Settings:
    """A copy of the good sample run's lake, so a command may write to it."""
    return copy_lake(sample_pipeline.settings, tmp_path / "warehouse")


def graphql(query: str) -> dict:
    request = urllib.request.Request(
        f"{UI_URL}/graphql", data=json.dumps({"query": query}).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


LOCATION_QUERY = """{ workspaceOrError { ... on Workspace { locationEntries { name
  locationOrLoadError { __typename ... on PythonError { message }
    ... on RepositoryLocation { repositories { assetGroups { groupName }
      schedules { name scheduleState { status } } sensors { name sensorState { status } } } } } } } } }"""


def test_make_ui_loads_the_code_location_from_a_bare_shell():
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", 3000)) == 0:
            pytest.fail("port 3000 is in use: `make ui` serves there; stop what holds it")
    process = subprocess.Popen(
        ["make", "ui"], cwd=PROJECT_ROOT, env=bare_shell(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, start_new_session=True,
    )
    try:
        deadline, entry = time.monotonic() + 180, None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                (entry,) = graphql(LOCATION_QUERY)["data"]["workspaceOrError"]["locationEntries"]
                if entry["locationOrLoadError"] is not None:
                    break
            except (OSError, KeyError, TypeError, ValueError):
                pass
            time.sleep(1)
        assert entry is not None, "the UI did not answer on port 3000"
        loaded = entry["locationOrLoadError"]
        assert loaded["__typename"] == "RepositoryLocation", loaded.get("message")
        (repository,) = loaded["repositories"]
        assert {"ingest", "marts", "analysis", "publish"} <= {g["groupName"] for g in repository["assetGroups"]}
        # As the README says: the schedule, the landing sensor and the automation run under `make ui`.
        states = {s["name"]: s["scheduleState"]["status"] for s in repository["schedules"]}
        states |= {s["name"]: s["sensorState"]["status"] for s in repository["sensors"]}
        assert states == {"monthly_refresh": "RUNNING", "landing_folder": "RUNNING", "follow_inputs": "RUNNING"}
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


def test_make_backfill_reruns_a_year_and_everything_downstream(sample_pipeline, sample_copy, tmp_path):
    """`make backfill YEARS=2010` with DAGSTER_HOME left to its default, as the README gives it."""
    from pipeline_sample import mart_checksums

    before = mart_checksums(sample_copy, published=True)
    published = sample_copy.lake.published_snapshot()
    result = make(
        "backfill", "YEARS=2010", RAW_DATA_DIR=str(sample_pipeline.settings.raw_dir),
        WAREHOUSE_DIR=str(sample_copy.warehouse_dir),
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "2010" in result.stdout
    assert sample_copy.lake.published_snapshot() > published  # published again
    assert mart_checksums(sample_copy, published=True) == before  # same raw data, same marts


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
