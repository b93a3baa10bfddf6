"""The rank-sensitivity chart and table of the findings report, on a small ledger built by hand:
two claims (Korea on R&D, published 2nd; the USA on R&D, published 1st) over two reference
years and two populations."""

import re

import pandas as pd
import pytest

from dagster_project.analysis import rank_sensitivity, report
from tests.unit.test_findings_report import _curve, _data


def _cells() -> pd.DataFrame:
    rows = [
        # claim, economy, year, population, order, rank, n, ledger cell
        ("rank_rd_gdp_kor", "KOR", 2017, "all_reporting", 1, 2, 150, False),
        ("rank_rd_gdp_kor", "KOR", 2017, "gdp_floor", 2, 1, 90, False),
        ("rank_rd_gdp_kor", "KOR", 2018, "all_reporting", 1, 3, 147, True),
        ("rank_rd_gdp_kor", "KOR", 2018, "gdp_floor", 2, 2, 88, False),
        ("rank_rd_gdp_usa", "USA", 2017, "all_reporting", 1, 9, 150, False),
        ("rank_rd_gdp_usa", "USA", 2017, "gdp_floor", 2, None, None, False),
        ("rank_rd_gdp_usa", "USA", 2018, "all_reporting", 1, 10, 147, True),
        ("rank_rd_gdp_usa", "USA", 2018, "gdp_floor", 2, 7, 88, False),
    ]
    published = {"rank_rd_gdp_kor": 2.0, "rank_rd_gdp_usa": 1.0}
    under = {"rank_rd_gdp_kor": "reproduced under: 2017 all reporting; 2018 GDP floor",
             "rank_rd_gdp_usa": "reproduced under none"}
    return pd.DataFrame([
        {"claim_id": c, "country_iso3": e, "measure": "rd_gdp", "component": "rd_gdp_pct", "definition": "wdi",
         "measure_label": "R&D expenditure (% of GDP)", "reference_year": y, "population": p,
         "population_label": {"all_reporting": "all reporting", "gdp_floor": "GDP floor"}[p], "population_order": o,
         "rank_in_population": r, "population_n": n, "published_rank": published[c], "is_ledger_cell": ledger,
         "is_reproduced": None if r is None else r == published[c], "reproduced_under": under[c],
         "grid_verdict": "reproduced under some choices" if c.endswith("kor") else "reproduced under none"}
        for c, e, y, p, o, r, n, ledger in rows
    ])


def test_chart_draws_every_ranked_cell_and_the_published_rank():
    (figure,) = rank_sensitivity.charts(_cells(), {"KOR": "Korea", "USA": "United States"})
    traces = {trace.name: trace for trace in figure.data}
    assert set(traces) == {"all reporting, 2017", "all reporting, 2018", "GDP floor, 2017", "GDP floor, 2018",
                           "published rank"}
    # Korea's band is at 1 (on top), the USA's at 0; the four cells (2 populations x 2 years) sit
    # at 0.4, 0.4 - 0.8/3, 0.4 - 1.6/3 and -0.4 within a band, in that order.
    assert list(figure.layout.yaxis.tickvals) == [1, 0]
    assert list(figure.layout.yaxis.ticktext) == ["Korea: R&D, % of GDP", "United States: R&D, % of GDP"]
    assert list(traces["all reporting, 2017"].y) == pytest.approx([1.4, 0.4])
    assert list(traces["all reporting, 2018"].x) == [3, 10]
    assert list(traces["all reporting, 2018"].y) == pytest.approx([1 + 0.4 / 3, 0.4 / 3])
    assert list(traces["GDP floor, 2017"].x) == [1]  # the USA is not ranked there: not drawn
    assert list(traces["GDP floor, 2017"].y) == pytest.approx([1 - 0.4 / 3])
    assert list(traces["GDP floor, 2018"].y) == pytest.approx([0.6, -0.4])
    assert list(traces["GDP floor, 2017"].customdata) == ["Korea: R&D, % of GDP<br>GDP floor, 2017: rank 1 of 90"]
    published = traces["published rank"]  # a bar across each claim's band at the published rank
    assert list(published.x) == [2.0, 2.0, None, 1.0, 1.0, None]
    assert list(published.y) == pytest.approx([0.55, 1.45, None, -0.45, 0.45, None])
    assert traces["all reporting, 2017"].marker.symbol != traces["all reporting, 2018"].marker.symbol
    assert traces["all reporting, 2017"].marker.color != traces["GDP floor, 2017"].marker.color
    assert figure.layout.title.text == "R&D expenditure (% of GDP): the rank under every reference year and population"


def test_table_has_a_row_per_claim_and_year_and_marks_the_reproducing_cells():
    table = rank_sensitivity.table(_cells(), {"KOR": "Korea", "USA": "United States"})
    assert table["populations"] == ["all reporting", "GDP floor"]
    assert [(r["claim_id"], r["year"], r["first"]) for r in table["rows"]] == [
        ("rank_rd_gdp_kor", 2017, True), ("rank_rd_gdp_kor", 2018, False),
        ("rank_rd_gdp_usa", 2017, True), ("rank_rd_gdp_usa", 2018, False),
    ]
    korea_2017, korea_2018, usa_2017, _ = table["rows"]
    assert [c["text"] for c in korea_2017["cells"]] == ["2 of 150", "1 of 90"]
    assert [c["reproduced"] for c in korea_2017["cells"]] == [True, False]
    assert [c["ledger"] for c in korea_2018["cells"]] == [True, False]
    assert [c["reproduced"] for c in korea_2018["cells"]] == [False, True]
    assert usa_2017["cells"][1]["text"] == "n/a (not ranked)"
    assert korea_2017["published"] == "2" and korea_2017["span"] == 2
    assert usa_2017["reproduced_under"] == "reproduced under none"


def _servitization() -> pd.DataFrame:
    """The least the report's convergence charts draw: Korea's and the USA's shares in one year."""
    return pd.DataFrame([
        {"classification": "wiod2013", "country_code": c, "year": 2011, "industry_code": "MFG", "service_group": g,
         "input_share_total": share}
        for c, share in (("KOR", 0.1), ("USA", 0.2)) for g in ("telecom", "business")
    ])


def _report_data(**overrides) -> report.ReportData:
    curve, verdicts = _curve()
    return _data(servitization=_servitization(), curve=curve, curve_verdicts=verdicts, **overrides)


def test_report_shows_the_chart_and_the_table_in_the_rank_section():
    data = _report_data(rank_sensitivity=_cells())
    figures = report.charts(data, report.ledger_rows(data))
    (figure,) = figures["rank_sensitivity"]
    assert "innovation_rank_populations" in report.source_note(figure)
    html = report.render(data, notes=[])
    assert 'id="rank-sensitivity"' in html
    assert html.count('data-rank-claim="rank_rd_gdp_kor"') == 2  # a row per reference year
    # data-claim marks the specification curves only (one per testable claim: the sample's one)
    assert re.findall(r'data-claim="([a-z0-9_]+)"', html) == ["f2_raised"]
    assert "reproduced under: 2017 all reporting; 2018 GDP floor" in html
    assert html.count('class="num reproduced') == 2  # Korea 2017 all reporting, 2018 GDP floor
    assert "reproduced under none" in html
    empty = report.render(_report_data(), notes=[])  # no sensitivity table: no section
    assert 'id="rank-sensitivity"' not in empty
