"""The regression tables and the findings report, on the real data."""

import dagster as dg
import duckdb
import pytest
from browser import browser_page, distinct_colours, screenshot
from conftest import table_checksums

from dagster_project.assets import analysis
from dagster_project.resources import WarehouseResource

pytestmark = pytest.mark.real_data


def test_results_hold_a_specification_for_each_of_findings_two_to_four(real_warehouse):
    with duckdb.connect(str(real_warehouse.warehouse_path), read_only=True) as con:
        findings = dict(
            con.execute(
                "select s.finding, count(*) from analytics.regression_results r "
                "join analytics.regression_specs s using (spec_id) where r.coef is not null group by all"
            ).fetchall()
        )
        verdicts = dict(
            con.execute("select finding, count(*) from analytics.convergence_claims_ledger group by all").fetchall()
        )
    assert set(findings) == {"f2", "f3", "f4"}
    assert set(verdicts) == {"1", "2", "3", "4", "5"}


def test_same_data_gives_the_same_regression_results(real_warehouse):
    path = real_warehouse.warehouse_path
    before = table_checksums(path)
    result = dg.materialize(
        [analysis.regression_tables],
        resources={"warehouse": WarehouseResource(database=str(path))},
        selection=[analysis.SPECS_KEY, analysis.RESULTS_KEY],
    )
    assert result.success
    after = table_checksums(path)
    for table in ("analytics.regression_specs", "analytics.regression_results"):
        assert after[table] == before[table], table


@pytest.mark.browser
def test_report_opens_in_chromium_with_its_charts_and_ledger(real_warehouse):
    report = real_warehouse.settings.warehouse_dir / "reports" / analysis.REPORT_FILE
    html = report.read_text(encoding="utf-8")
    assert 'id="claims-ledger"' in html
    for finding in ("kiet2018_f1_", "kiet2018_f2_", "kiet2018_f3_", "kiet2018_f4_", "kiet2018_f5_"):
        assert finding in html
    assert "not testable with this data" in html  # finding 5: business models
    with browser_page(width=1400, height=1000) as page:
        page.goto(report.as_uri(), wait_until="load")
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 5", timeout=60_000)
        charts = page.locator(".js-plotly-plot").count()
        ledger_rows = page.locator("table.ledger tbody tr").count()
        image = screenshot(page, "convergence_findings_report.png")
    assert charts == 5
    assert ledger_rows >= 10
    assert distinct_colours(image) > 100
