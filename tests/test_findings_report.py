"""The regression tables and the findings report: formatting and ordering on small hand-built
inputs, the report of the generated sample run, and the real data."""

import re
from html.parser import HTMLParser

import dagster as dg
import duckdb
import pandas as pd
import pytest
from browser import browser_page, distinct_colours, screenshot
from conftest import table_checksums, warehouse_connection

from dagster_project.analysis import curve_tables, labels, report
from dagster_project.analysis import formatting as fmt
from dagster_project.defs.analysis import assets as analysis
from dagster_project.defs.resources import build_resources

# ---------------------------------------------------------------------------------------------
# Helpers: the page's visible text and its ledger table, read without a browser
# ---------------------------------------------------------------------------------------------

MISSING_WORDS = re.compile(r"\b(nan|NaN|None|NaT|<NA>|null)\b")
LONG_DECIMALS = re.compile(r"\d[.,]\d{5,}")  # more than 4 decimals: float noise or unformatted numbers


class PageText(HTMLParser):
    """Visible text (not scripts or styles), and the ledger table's rows as lists of cell texts."""

    def __init__(self):
        super().__init__()
        self.skip, self.text, self.ledger, self.in_ledger, self.cell, self.row = 0, [], [], False, None, None
        self.headers, self.in_head, self.external = [], False, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "href"):
            if tag in ("script", "link", "img", "iframe") and (attrs.get(name) or "").startswith(("http", "//")):
                self.external.append((tag, attrs[name]))
        if tag == "link" or (tag == "script" and "src" in attrs):
            self.external.append((tag, attrs.get("href") or attrs.get("src")))
        if tag in ("script", "style"):
            self.skip += 1
        if tag == "table" and attrs.get("id") == "ledger":
            self.in_ledger = True
        if self.in_ledger and tag == "thead":
            self.in_head = True
        if self.in_ledger and tag == "tr" and not self.in_head:
            self.row = []
        if self.in_ledger and tag in ("td", "th"):
            self.cell = []
        self.text.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1
        if self.in_ledger and tag in ("td", "th") and self.cell is not None:
            text = " ".join("".join(self.cell).split())
            (self.headers if self.in_head else self.row).append(text)
            self.cell = None
        if self.in_ledger and tag == "thead":
            self.in_head = False
        if self.in_ledger and tag == "tr" and self.row is not None:
            self.ledger.append(self.row)
            self.row = None
        if tag == "table" and self.in_ledger:
            self.in_ledger = False
        self.text.append(" ")

    def handle_data(self, data):
        if not self.skip:
            self.text.append(data)
            if self.cell is not None:
                self.cell.append(data)


def parse(html: str) -> PageText:
    page = PageText()
    page.feed(html)
    return page


def ledger_frame(page: PageText) -> pd.DataFrame:
    return pd.DataFrame(page.ledger, columns=page.headers)


# ---------------------------------------------------------------------------------------------
# Small generated inputs: every value here is worked out by hand
# ---------------------------------------------------------------------------------------------

def test_numbers_are_formatted_for_their_unit():
    assert fmt.by_unit(57.0, "rank") == "57"
    assert fmt.by_unit(8.82500415631242, "percent") == "8.83%"
    assert fmt.by_unit(-7.3, "percentage_points") == "−7.30 pp"
    assert fmt.by_unit(7633.0, "firms") == "7,633 firms"
    assert fmt.share(0.0378912) == "0.0379"
    assert fmt.share_as_percent(0.0378912) == "3.79%"
    assert fmt.ordinal(2.0) == "2nd" and fmt.ordinal(11) == "11th" and fmt.ordinal(23) == "23rd"
    assert fmt.year(2018.0) == "2018"
    assert fmt.fixed(-0.0001, 2) == "0.00"  # no sign on a rounded zero
    for missing in (None, float("nan"), pd.NA, "", "None", "nan"):
        assert fmt.by_unit(missing, "rank") == "n/a"
        assert fmt.percent(missing) == "n/a"
    assert str(fmt.NotAvailable("not measured")) == "n/a (not measured)"
    assert not fmt.missing("none")  # "no service group" is a value, not a missing one


def test_codes_in_free_text_become_words_once():
    text = "kibs, high_income: Conv×HighTech β=1.628; business: β=-1.177; largest: telecom; business models"
    assert labels.words(text) == (
        "knowledge-intensive business services, high-income economies: Conv×HighTech β=1.628; "
        "business services: β=-1.177; largest: post and telecom; business models"
    )
    assert labels.words("KOR rd_gdp_pct = 4.516, set complete_cases, wiod2013") == (
        "KOR R&D, % of GDP = 4.516, set complete-cases, WIOD 2013"
    )


def _convergence_ledger():
    rows = [
        ("kiet2018_f1_1", "1", "worldwide IT", "-0.0002 pooled; 19/40 economies up", "not reproduced",
         "the share did not rise in most economies"),
        ("kiet2018_f1_2", "1", "Korea is low", "rank 30 of 40", "reproduced", "below the median economy"),
        ("kiet2018_f2_10", "2", "IT the most", "telecom", "not reproduced", "largest one-sd effect: telecom"),
        ("kiet2018_f2_3", "2", "production", "none", "not reproduced", "positive and significant for 0 of 5"),
        ("kiet2018_f5_11", "5", "business models", "", "not testable with this data", "no firm data"),
    ]
    return pd.DataFrame(
        [{"claim_id": i, "finding": f, "claim": c, "published_value": "", "computed_value": v,
          "evidence": "kibs, high_income: β=1.628 (p=0.238)", "verdict": d, "reason": r} for i, f, c, v, d, r in rows]
    )


def _innovation_ledger():
    base = {"period": None, "tolerance": 0.0, "comparison_set_rank": None, "comparison_set_size": None,
            "computed_from_release": None, "difference": None}
    rows = [
        # Float noise of the warehouse: ranks as doubles, a published value of 8.8 - 4.9.
        {**base, "claim_id": "rank_rd_gdp_kor", "claim_group": "innovation_rank", "claim": "R&D rank of Korea",
         "country_or_region": "KOR", "reference_year": 2018, "unit": "rank", "published_value": 2.0,
         "computed_value": 2.0, "difference": 0.0, "verdict": "reproduced", "reason": "KOR rd_gdp_pct = 4.516",
         "test_method": "world_rank", "component": "rd_gdp_pct", "comparison_set_rank": 2, "comparison_set_size": 3},
        {**base, "claim_id": "rank_hitech_exports_kor", "claim_group": "innovation_rank", "claim": "Exports rank",
         "country_or_region": "KOR", "reference_year": 2018, "unit": "rank", "published_value": 6.0,
         "computed_value": 57.0, "difference": 51.0, "verdict": "differs", "reason": "lower",
         "test_method": "world_rank", "component": "hightech_export_share_pct"},
        {**base, "claim_id": "int_exp_growth_2001_2010_usa", "claim_group": "intermediate_exports",
         "claim": "US growth 2001-10", "country_or_region": "USA", "reference_year": None, "period": "study_2001_2010",
         "unit": "percentage_points", "published_value": 2.7 + 1.2, "computed_value": 6.452911, "difference": 2.552911,
         "tolerance": 0.5, "verdict": "differs", "reason": "wiod2013: growth", "test_method": "export_cagr_implied",
         "component": None, "computed_from_release": "wiod2013"},
        {**base, "claim_id": "us_reshoring_2018", "claim_group": "reshoring", "claim": "US reshoring firms, 2018",
         "country_or_region": "USA", "reference_year": None, "unit": "firms", "published_value": 886.0,
         "computed_value": None, "tolerance": None, "verdict": "not testable with this data",
         "reason": "No reshoring microdata; restated", "test_method": "not_testable", "component": None},
        {**base, "claim_id": "kr_uturn_2014", "claim_group": "reshoring", "claim": "Korean U-turn firms, 2014",
         "country_or_region": "KOR", "reference_year": None, "unit": "firms", "published_value": 20.0,
         "computed_value": None, "tolerance": None, "verdict": "not testable with this data",
         "reason": "No reshoring microdata; restated", "test_method": "not_testable", "component": None},
    ]
    return pd.DataFrame(rows)


def _innovation_index():
    return pd.DataFrame(
        [{"country_iso3": "KOR", "country_name": "Korea, Rep.", "reference_year": 2018,
          "rd_gdp_pct": 4.516, "rd_gdp_pct_year": 2018, "rd_gdp_pct_world_rank": 2, "rd_gdp_pct_world_n": 147,
          "hightech_export_share_pct": 36.391, "hightech_export_share_pct_year": 2018,
          "hightech_export_share_pct_world_rank": 57, "hightech_export_share_pct_world_n": 182}]
    )


def _data(**overrides) -> report.ReportData:
    values = {
        "servitization": pd.DataFrame(), "curve": pd.DataFrame(), "curve_verdicts": pd.DataFrame(),
        "convergence_ledger": _convergence_ledger(), "innovation_ledger": _innovation_ledger(),
        "innovation_index": _innovation_index(), "country_names": {"KOR": "Korea", "USA": "United States"},
    }
    return report.ReportData(**{**values, **overrides})


def test_ledger_rows_are_ordered_by_study_finding_and_claim_and_formatted_by_unit():
    rows = report.ledger_rows(_data())
    assert [r["claim_id"] for r in rows] == [
        "kiet2018_f1_1", "kiet2018_f1_2", "kiet2018_f2_3", "kiet2018_f2_10", "kiet2018_f5_11",  # 3 before 10
        "rank_rd_gdp_kor", "rank_hitech_exports_kor",  # components in the index's order
        "int_exp_growth_2001_2010_usa", "kr_uturn_2014", "us_reshoring_2018",  # groups in order; KOR before USA
    ]
    by_id = {r["claim_id"]: r for r in rows}
    exports = by_id["rank_hitech_exports_kor"]
    assert (exports["published"], exports["computed"], exports["difference"]) == ("6", "57", "+51 places")
    growth = by_id["int_exp_growth_2001_2010_usa"]
    assert (growth["published"], growth["computed"], growth["difference"]) == ("3.9%", "6.45%", "+2.55 pp")
    assert growth["evidence"] == "computed from the WIOD 2013 release"
    assert by_id["us_reshoring_2018"]["published"] == "886 firms"
    assert by_id["us_reshoring_2018"]["computed"] == "n/a (No reshoring microdata)"
    assert by_id["rank_rd_gdp_kor"]["evidence"] == (
        "Korea, R&D expenditure (% of GDP): 4.52% (2018), world rank 2 of 147; rank 2 of 3 in the comparison set"
    )
    f2 = by_id["kiet2018_f2_10"]
    assert f2["published"] == "n/a (the study states this finding without a figure)"
    assert f2["computed"] == "post and telecom" and f2["reason"] == "largest one-sd effect: post and telecom"
    assert by_id["kiet2018_f5_11"]["computed"].startswith("n/a (")
    assert [r["number"] for r in rows] == list(range(1, 11))


def test_summary_sentences_are_computed_from_the_ledger():
    rows = report.ledger_rows(_data())
    summary = report.summary(rows, {"KOR": "Korea", "USA": "United States"})
    assert summary["counts"] == {"holds": 2, "fails": 5, "untestable": 3}
    assert summary["lead"].startswith("Of the 10 claims checked, 2 hold, 5 do not and 3 cannot be tested")
    assert summary["holds"] == [
        "Korea is low — below the median economy: rank 30 of 40.",
        "World rank on R&D expenditure (% of GDP), 2018: Korea 2nd of 147 (as published).",
    ]
    assert "World rank on High-tech exports (% of manufactured exports), 2018: Korea 57th of 182 (published 6th)." in (
        summary["fails"]
    )
    assert ("Growth of intermediate-goods exports, 2001–2010 (implied by the study's 2011–19 growth and its change): "
            "United States 6.45% a year (published 3.9%).") in summary["fails"]
    assert summary["untestable"] == [
        "business models — no firm data.",
        "Reshoring and returning firms (2 figures; published 20 firms to 886 firms): No reshoring microdata.",
    ]
    # A different ledger gives different sentences: nothing is hard-coded.
    flipped = _convergence_ledger().assign(verdict="reproduced")
    other = report.summary(report.ledger_rows(_data(convergence_ledger=flipped)), {})
    assert other["counts"]["holds"] == 6 and len(other["holds"]) == 6


def _curve():
    """Two claims' curves: f2_raised with four counted specifications (one the study's), one biased
    and one not estimable; f4_korea_taiwan not testable."""
    rows = [
        # spec, group, measure, dependent, effect, outcome, study
        ("a", "telecom", "input_share", "gross_output", 0.30, "supports", False),
        ("b", "business", "input_share", "va_proxy", -0.10, "inconclusive", True),
        ("c", "telecom", "leontief_total", "gross_output", -0.40, "contradicts", False),
        ("d", "business", "leontief_total", "gross_output", 0.05, "inconclusive", False),
        ("e", "telecom", "direct", "va_proxy", -9.0, "excluded: mechanically biased", True),
        ("f", "business", "direct", "gross_output", float("nan"), "not estimable", False),
    ]
    frame = pd.DataFrame(
        [{"spec_id": f"f2_raised__{s}", "claim_key": "f2_raised", "service_group": g, "it_proxy": None,
          "conv_measure": m, "dependent": d, "industries": "manufacturing", "estimator": "within_year",
          "country_type": "all_economies", "period": "1996_2011", "effect_1sd": e, "effect_1sd_low": e - 0.2,
          "effect_1sd_high": e + 0.2, "p_value": 0.01 if o in ("supports", "contradicts") else 0.4,
          "inference": "clustered", "n_obs": 8882, "outcome": o, "is_study_specification": study}
         for s, g, m, d, e, o, study in rows]
    )
    verdicts = pd.DataFrame(
        [{"claim_key": "f2_raised", "claim_number": 1, "finding": "2", "claim": "Convergence raised production",
          "n_counted": 4, "n_mechanically_biased": 1, "share_supporting": 0.25, "share_contradicting": 0.25,
          "share_inconclusive": 0.5, "verdict": "fragile", "rule": "robust: at least 75% ..."},
         {"claim_key": "f4_korea_taiwan", "claim_number": 2, "finding": "4", "claim": "Korea and Taiwan",
          "n_counted": 0, "n_mechanically_biased": 3, "share_supporting": float("nan"),
          "share_contradicting": float("nan"), "share_inconclusive": float("nan"), "verdict": "not testable",
          "rule": "robust: at least 75% ..."}]
    )
    return frame, verdicts


def test_specification_curve_chart_sorts_the_counted_specifications_over_their_choices():
    curve, verdicts = _curve()
    figures = report.curve_charts(curve, verdicts)
    assert list(figures) == ["f2"]  # finding 4's claim is not testable: no chart
    (figure,) = figures["f2"]
    by_name = {trace.name: trace for trace in figure.data if trace.yaxis == "y"}
    ranks = {o: list(by_name[o].x) for o in ("supports", "inconclusive", "contradicts")}
    assert ranks == {"contradicts": [1], "inconclusive": [2, 3], "supports": [4]}  # -0.40 < -0.10 < 0.05 < 0.30
    assert list(by_name["inconclusive"].y) == [-0.10, 0.05]
    assert list(by_name["inconclusive"].error_y.array) == pytest.approx([0.2, 0.2])
    assert list(by_name["the study's specification"].x) == [2]  # the biased study specification is not drawn
    choices = [trace for trace in figure.data if trace.yaxis == "y2"]
    marks = {(x, y) for trace in choices for x, y in zip(trace.x, trace.y)}
    assert marks == {
        (1, "group: IT (post & telecom)"), (1, "measure: Leontief total"), (1, "dependent: ln(gross output)"),
        (2, "group: Business"), (2, "measure: input share"), (2, "dependent: ln(value-added proxy)"),
        (3, "group: Business"), (3, "measure: Leontief total"), (3, "dependent: ln(gross output)"),
        (4, "group: IT (post & telecom)"), (4, "measure: input share"), (4, "dependent: ln(gross output)"),
    }  # dimensions with one choice (industries, estimator, economies, years) are not rows
    assert {trace.marker.color for trace in choices} == set(report.CURVE_OUTCOME_COLOURS.values())
    assert figure.layout.title.text == ("Convergence raised production: fragile (25% support, 25% contradict, "
                                        "50% inconclusive of 4)")
    assert "1 mechanically biased specifications are left out" in report.source_note(figure)
    assert figure.layout.meta["claim"] == "f2_raised"


def test_markdown_summary_has_no_float_noise():
    text = report.markdown_summary(report.ledger_rows(_data()))
    assert not LONG_DECIMALS.search(text) and not MISSING_WORDS.search(text)
    assert "| US growth 2001-10 | 3.9% | 6.45% | **differs from the published figure** |" in text


# ---------------------------------------------------------------------------------------------
# The report of the generated sample run (tests/conftest.py: sample_pipeline)
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_report(sample_pipeline) -> str:
    return (sample_pipeline.settings.warehouse_dir / "reports" / analysis.REPORT_FILE).read_text(encoding="utf-8")


def test_sample_report_has_no_missing_markers_or_float_noise(sample_report):
    page = parse(sample_report)
    text = " ".join("".join(page.text).split())
    assert not MISSING_WORDS.findall(text), MISSING_WORDS.findall(text)[:5]
    noisy = LONG_DECIMALS.findall(text)
    assert not noisy, noisy[:5]
    assert "n/a (" in text  # missing values say why


def test_sample_report_summary_comes_before_the_ledger_and_counts_its_verdicts(sample_pipeline, sample_report):
    assert 0 < sample_report.index('id="summary"') < sample_report.index('id="ledger"')
    with warehouse_connection(sample_pipeline.settings) as con:
        verdicts = con.execute(
            "select verdict, count(*) from (select verdict from analytics.convergence_claims_ledger "
            "union all select verdict from marts.claims_ledger) group by all"
        ).fetchall()
    counts = dict(verdicts)
    holds = counts.get("reproduced", 0)
    fails = counts.get("not reproduced", 0) + counts.get("differs", 0)
    untestable = counts.get("not testable with this data", 0)
    text = " ".join("".join(parse(sample_report).text).split())
    assert f"Of the {holds + fails + untestable} claims checked, {holds} hold, {fails} do not and {untestable} " in text
    assert f"What holds {holds}" in text and f"What cannot be tested {untestable}" in text


def test_sample_report_ledger_is_complete_ordered_and_ranks_are_integers(sample_pipeline, sample_report):
    ledger = ledger_frame(parse(sample_report))
    with warehouse_connection(sample_pipeline.settings) as con:
        convergence = [r for (r,) in con.execute("select claim_id from analytics.convergence_claims_ledger").fetchall()]
        ranks = con.execute(
            "select claim_id, published_value, computed_value from marts.claims_ledger where unit = 'rank'"
        ).fetchall()
        total = con.execute("select count(*) from marts.claims_ledger").fetchone()[0] + len(convergence)
    assert len(ledger) == total
    assert list(ledger["#"]) == [str(i) for i in range(1, total + 1)]
    # Convergence claims first, by finding and claim number; then the innovation study.
    ids = list(ledger["claim id"])
    assert ids[: len(convergence)] == sorted(convergence, key=lambda c: (int(c.split("_f")[1].split("_")[0]),
                                                                         int(c.rsplit("_", 1)[1])))
    assert ledger["study"].tolist() == sorted(ledger["study"].tolist(), key=lambda s: s != "KIET 2018")
    assert ranks, "the sample run has rank claims"
    cells = ledger.set_index("claim id")
    for claim_id, published, computed in ranks:
        assert cells.loc[claim_id, "published"] == str(int(published))
        expected = str(int(computed)) if not pd.isna(computed) else None
        if expected:
            assert cells.loc[claim_id, "computed"] == expected
        else:
            assert cells.loc[claim_id, "computed"].startswith("n/a (")
    rank_cells = cells.loc[[claim_id for claim_id, _, _ in ranks], ["published", "computed", "difference"]]
    assert not any("." in c for c in rank_cells.to_numpy().ravel())  # 57, not 57.0


def test_sample_report_has_a_specification_curve_for_each_testable_claim(sample_pipeline, sample_report):
    with warehouse_connection(sample_pipeline.settings) as con:
        verdicts = con.execute("select claim_key, verdict, rule from analytics.specification_curve_verdicts").df()
    testable = set(verdicts.loc[verdicts["verdict"] != "not testable", "claim_key"])
    assert testable, "the sample run has testable claims"
    assert set(re.findall(r'data-claim="([a-z0-9_]+)"', sample_report)) == testable
    assert len(re.findall(r'data-claim="', sample_report)) == len(testable)
    text = " ".join("".join(parse(sample_report).text).split())
    assert verdicts["rule"].iloc[0] in text  # the rule is stated


def test_sample_report_is_one_self_contained_file(sample_report):
    page = parse(sample_report)
    assert page.external == []  # no script, stylesheet or image from elsewhere: works offline
    assert sample_report.count("Plotly.newPlot") >= 8
    for source in ("WIOD 2013 release", "World Bank WDI (~2025 vintage)", "ITU ICT Development Index 2017", "PATSTAT"):
        assert source in sample_report
    assert "conv_x_group" not in " ".join(page.text)  # codes appear as words


def test_analytics_tables_are_described_in_the_warehouse_and_the_snapshot(sample_pipeline):
    tables = {
        "regression_specs": (analysis.SPEC_DESCRIPTION, analysis.SPEC_DESCRIPTIONS),
        "regression_results": (analysis.RESULT_DESCRIPTION, analysis.RESULT_DESCRIPTIONS),
        "convergence_claims_ledger": (analysis.CLAIM_DESCRIPTION, analysis.CLAIM_DESCRIPTIONS),
        "specification_curve": (curve_tables.CURVE_DESCRIPTION, curve_tables.CURVE_DESCRIPTIONS),
        "specification_curve_verdicts": (curve_tables.VERDICTS_DESCRIPTION, curve_tables.VERDICTS_DESCRIPTIONS),
    }
    for published in (False, True):
        with warehouse_connection(sample_pipeline.settings, published=published) as con:
            for table, (description, columns) in tables.items():
                comment = con.execute(
                    "select comment from duckdb_tables() where schema_name = 'analytics' and table_name = ?", [table]
                ).fetchone()[0]
                assert comment == description, (published, table)
                found = dict(
                    con.execute(
                        "select column_name, comment from duckdb_columns() where schema_name = 'analytics' "
                        "and table_name = ?", [table]
                    ).fetchall()
                )
                assert found == columns, (published, table)


def test_comments_keep_quotes_and_leave_rows_alone(tmp_path):
    database = tmp_path / "w.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("create schema analytics")
        con.execute("create table analytics.t (a varchar, \"b\" double)")
        con.execute("insert into analytics.t values ('x', 1.5)")
    with duckdb.connect(str(database)) as con:
        analysis.comment_on(con, "analytics.t", "Korea's table", {"a": "it's a", "b": "plain"})
        assert con.execute("select comment from duckdb_tables() where table_name = 't'").fetchone()[0] == "Korea's table"
        assert dict(con.execute("select column_name, comment from duckdb_columns() where table_name = 't'").fetchall()) == {
            "a": "it's a", "b": "plain"
        }
        assert con.execute("select * from analytics.t").fetchall() == [("x", 1.5)]


def test_column_descriptions_name_every_column():
    for columns, descriptions in (
        (analysis.SPEC_COLUMNS, analysis.SPEC_DESCRIPTIONS),
        (analysis.RESULT_COLUMNS, analysis.RESULT_DESCRIPTIONS),
        (analysis.CLAIM_COLUMNS, analysis.CLAIM_DESCRIPTIONS),
        (curve_tables.CURVE_COLUMNS, curve_tables.CURVE_DESCRIPTIONS),
        (curve_tables.VERDICT_COLUMNS, curve_tables.VERDICTS_DESCRIPTIONS),
    ):
        assert list(descriptions) == list(columns)
        assert all(len(text) > 10 for text in descriptions.values())


# ---------------------------------------------------------------------------------------------
# The real data
# ---------------------------------------------------------------------------------------------

@pytest.mark.real_data
def test_results_hold_a_specification_for_each_of_findings_two_to_four(real_warehouse):
    with warehouse_connection(real_warehouse.settings) as con:
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


@pytest.mark.real_data
def test_same_data_gives_the_same_regression_results(real_warehouse):
    before = table_checksums(real_warehouse.settings)
    result = dg.materialize(
        [analysis.regression_tables],
        resources={"warehouse": build_resources(real_warehouse.settings)["warehouse"]},
        selection=[analysis.SPECS_KEY, analysis.RESULTS_KEY, analysis.CURVE_KEY, analysis.CURVE_VERDICTS_KEY],
    )
    assert result.success
    after = table_checksums(real_warehouse.settings)
    for table in ("analytics.regression_specs", "analytics.regression_results", curve_tables.CURVE_TABLE,
                  curve_tables.VERDICTS_TABLE):
        assert after[table] == before[table], table


@pytest.mark.real_data
def test_specification_curves_on_the_real_data(real_warehouse):
    with warehouse_connection(real_warehouse.settings) as con:
        curve = con.execute(f"select * from {curve_tables.CURVE_TABLE}").df()
        verdicts = con.execute(f"select * from {curve_tables.VERDICTS_TABLE}").df().set_index("claim_key")
        grid = con.execute("select claim_key, dimension, count(*) as n from seeds.specification_claim_choices "
                           "group by all").df()
    expected = grid.groupby("claim_key")["n"].prod()
    assert curve.groupby("claim_key").size().to_dict() == expected.to_dict()
    assert (verdicts["n_not_estimable"] == 0).all() and curve["estimate"].notna().all()
    # The 2x2 typology's example of the issue: Conv x HighTech in high-income service-oriented economies,
    # KIBS, direct coefficient, ln(value-added proxy), the study's fixed effects: positive and
    # significant, and one of the combinations the identity biases.
    example = curve.set_index("spec_id").loc[
        "f3_service_high_income__kibs__direct__va_proxy__manufacturing__within_year__high_income_service_oriented__1996_2011"
    ]
    assert example["estimate"] == pytest.approx(3.844, abs=0.001) and example["p_value"] < 0.05
    assert example["is_mechanically_biased"] and example["outcome"] == "excluded: mechanically biased"
    # Korea and Taiwan: 2 economies x 14 manufacturing industries, the wild cluster bootstrap.
    korea_taiwan = curve[curve["claim_key"] == "f4_korea_taiwan"]
    assert set(korea_taiwan["n_clusters"]) == {28}
    assert set(korea_taiwan["inference"]) == {"wild cluster bootstrap (webb, 9999 draws)"}
    assert set(curve.loc[curve["n_clusters"] >= 50, "inference"]) == {"clustered"}
    shares = verdicts[["share_supporting", "share_contradicting", "share_inconclusive"]].sum(axis=1)
    assert shares.to_numpy() == pytest.approx(1.0)
    assert set(verdicts["verdict"]) <= {"robust", "fragile", "contradicted"}


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
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 11", timeout=60_000)
        charts = page.locator(".js-plotly-plot").count()
        ledger_rows = page.locator("table.ledger tbody tr").count()
        image = screenshot(page, "convergence_findings_report.png")
    # finding 1: 3; a specification curve for each of the 5 claims of findings 2-4; innovation index: 2;
    # published vs computed ranks: 1
    assert charts == 11
    assert ledger_rows >= 50
    assert distinct_colours(image) > 100
