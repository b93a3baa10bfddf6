"""The Dagster UI, served by dagster-webserver and opened in headless Chromium."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from dagster_project.defs.dbt.project import dbt_project
from dagster_project.settings import PROJECT_ROOT
from tests.helpers.browser import browser_page, distinct_colours, screenshot
from tests.helpers.warehouse import SHARED_DATA

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def webserver(tmp_path_factory):
    home = tmp_path_factory.mktemp("dagster_home")
    shutil.copy(PROJECT_ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    port = free_port()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "RAW_DATA_DIR": str(SHARED_DATA),
        "WAREHOUSE_DIR": str(tmp_path_factory.mktemp("warehouse")),
    }
    log = (home / "webserver.log").open("w")
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "dagster-webserver"), "-h", "127.0.0.1", "-p", str(port), "-w", "workspace.yaml"],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{url}/server_info", timeout=2)
                break
            except OSError as exc:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"dagster-webserver did not start: {(home / 'webserver.log').read_text()[-2000:]}") from exc
                time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def skip_first_visit_dialog(page) -> None:
    """Close the newsletter dialog a new instance shows on the first visit, if it is there."""
    try:
        page.get_by_role("button", name="Skip").click(timeout=10_000)
    except PlaywrightTimeout:
        pass


def test_global_lineage_shows_ingest_mart_and_regression_assets(webserver):
    with browser_page(width=1800, height=1100) as page:
        page.goto(f"{webserver}/asset-groups", wait_until="networkidle")
        page.get_by_text("Global asset lineage").first.wait_for(timeout=60_000)
        skip_first_visit_dialog(page)
        page.keyboard.press("Alt+e")  # the graph's "Expand all groups"
        # Opening a group in the sidebar lists its assets by full name and centres the graph on it.
        # Long names are shown middle-truncated; the full name is in the row's (hidden) measure element.
        # The sidebar only renders the rows in view, so each group's asset is looked for as it opens.
        for group, asset in (
            ("publish", "analytics_snapshot"), ("ingest", "wiod_flows"), ("marts", "fct_manufacturing_servitization"),
            ("analysis", "regression_results"),
        ):
            page.get_by_role("button", name=group).first.dblclick(timeout=60_000)
            page.get_by_text(asset, exact=True).first.wait_for(state="attached", timeout=60_000)
        image = screenshot(page, "dagster_global_lineage.png", full_page=False)
    assert distinct_colours(image) > 30


def test_a_dbt_mart_shows_the_declared_type_of_every_column(webserver):
    """The asset page of marts.fct_innovation_index lists every column with the type its dbt
    contract declares (never a blank Type, as before the contracts)."""
    manifest = json.loads(dbt_project.manifest_path.read_text())
    node = manifest["nodes"]["model.economic_warehouse.fct_innovation_index"]
    declared = {name: column["data_type"] for name, column in node["columns"].items()}
    with browser_page(width=1600, height=1400) as page:
        page.goto(f"{webserver}/assets/marts/fct_innovation_index", wait_until="networkidle")
        skip_first_visit_dialog(page)
        table = page.locator("table", has=page.get_by_text("Column name", exact=True))
        table.get_by_text("composite_rank_of_mean_rank", exact=True).wait_for(timeout=60_000)
        shown = dict(table.evaluate(
            "t => [...t.tBodies[0].rows].map(r => [r.cells[0].innerText.trim(), r.cells[1].innerText.trim()])"
        ))
        table.scroll_into_view_if_needed()
        screenshot(page, "dagster_mart_column_types.png", full_page=False)
    assert shown == declared
    assert (shown["country_iso3"], shown["rd_gdp_pct"], shown["rd_gdp_pct_world_rank"], shown["in_comparison_set"]) == (
        "varchar", "double", "bigint", "boolean"
    )
