"""The findings report in Debian's chromium: on the generated sample run, the summary on the
first screen and the ledger's inline sorter and filter; on the real data, its charts and ledger."""

import pytest

from dagster_project.defs.analysis import assets as analysis
from tests.helpers.browser import browser_page, distinct_colours, screenshot
from tests.helpers.report_page import LONG_DECIMALS, MISSING_WORDS, parse

pytestmark = pytest.mark.browser

FIRST_SCREEN = {"width": 1400, "height": 900}


def _column(page, header: str) -> list[dict]:
    """Text and sort key of each ledger row's cell under `header`, in the order shown."""
    return page.evaluate(
        """(header) => {
            const table = document.getElementById("ledger");
            const index = Array.from(table.tHead.rows[0].cells).findIndex(c => c.textContent.trim() === header);
            return Array.from(table.tBodies[0].rows).map(row => ({
                text: row.cells[index].textContent.trim(),
                key: row.cells[index].getAttribute("data-sort"),
                hidden: row.hidden,
            }));
        }""",
        header,
    )


@pytest.fixture
def report_page(sample_pipeline):
    report_file = sample_pipeline.settings.warehouse_dir / "reports" / analysis.REPORT_FILE
    with browser_page(**FIRST_SCREEN) as page:
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(report_file.as_uri(), wait_until="load")
        yield page
        assert errors == [], errors


def test_first_screen_shows_the_summary(report_page):
    heading = report_page.locator("#summary h2")
    assert heading.inner_text().strip() == "Summary"
    box = heading.bounding_box()
    assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= FIRST_SCREEN["height"]
    for title in ("What holds", "What does not hold", "What cannot be tested"):
        column = report_page.locator("#summary h3", has_text=title)
        assert column.bounding_box()["y"] < FIRST_SCREEN["height"], title
    ledger = report_page.locator("#ledger").bounding_box()
    assert ledger["y"] > FIRST_SCREEN["height"]  # the ledger comes after, not on the first screen
    screenshot(report_page, "convergence_findings_first_screen.png", full_page=False)


def test_clicking_a_ledger_header_sorts_the_rows(report_page):
    before = _column(report_page, "claim")
    report_page.locator("#ledger thead th", has_text="claim").first.click()
    claims = [cell["text"] for cell in _column(report_page, "claim")]
    assert claims == sorted(claims, key=str.lower) and claims != [c["text"] for c in before]
    assert report_page.locator("#ledger thead th", has_text="claim").first.get_attribute("aria-sort") == "ascending"
    report_page.locator("#ledger thead th", has_text="claim").first.click()  # again: descending
    assert [cell["text"] for cell in _column(report_page, "claim")] == sorted(claims, key=str.lower, reverse=True)

    # A numeric column sorts by the value behind the formatted text; rows without one go last.
    report_page.locator("#ledger thead th", has_text="published").click()
    cells = _column(report_page, "published")
    keys = [float(c["key"]) for c in cells if c["key"]]
    assert keys == sorted(keys) and len(keys) >= 10
    first_blank = next(i for i, c in enumerate(cells) if not c["key"])
    assert all(not c["key"] for c in cells[first_blank:])


def test_the_ledger_filter_hides_other_rows(report_page):
    rows = len(_column(report_page, "claim"))
    report_page.locator("#ledger-verdict").select_option("reproduced")
    shown = [c for c in _column(report_page, "verdict") if not c["hidden"]]
    assert shown and all(c["text"] == "reproduced" for c in shown)
    assert report_page.locator("#ledger-count").inner_text() == f"{len(shown)} of {rows} claims"
    report_page.locator("#ledger-verdict").select_option("")
    report_page.locator("#ledger-filter").fill("Korea")
    shown = [c for c in _column(report_page, "claim") if not c["hidden"]]
    assert 0 < len(shown) < rows


@pytest.mark.real_data
@pytest.mark.browser
def test_report_opens_in_chromium_with_its_charts_and_ledger(real_warehouse):
    report_file = real_warehouse.settings.warehouse_dir / "reports" / analysis.REPORT_FILE
    html = report_file.read_text(encoding="utf-8")
    assert 'id="claims-ledger"' in html
    for finding in ("kiet2018_f1_", "kiet2018_f2_", "kiet2018_f3_", "kiet2018_f4_", "kiet2018_f5_"):
        assert finding in html
    assert "not testable with this data" in html  # finding 5: business models
    text = " ".join("".join(parse(html).text).split())
    assert not MISSING_WORDS.search(text) and not LONG_DECIMALS.search(text)
    # Korea 2nd on R&D/GDP (2018) and on the IDI 2017, as published: in the summary's "holds".
    assert "World rank on R&D expenditure (% of GDP), 2018: Korea 2nd of" in text
    with browser_page(width=1400, height=1000) as page:
        page.goto(report_file.as_uri(), wait_until="load")
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 15", timeout=60_000)
        charts = page.locator(".js-plotly-plot").count()
        ledger_rows = page.locator("table.ledger tbody tr").count()
        image = screenshot(page, "convergence_findings_report.png")
    # finding 1: 3; a specification curve for each of the 5 claims of findings 2-4; innovation index: 2;
    # published vs computed ranks: 1; the ranks under every declared choice: 4 (R&D, high-tech exports,
    # high-tech patents, IDI)
    assert charts == 15
    assert ledger_rows >= 50
    assert distinct_colours(image) > 100
