"""The regression tables and the findings report: formatting, ordering and summaries on small
inputs built by hand (every value worked out by hand)."""


import duckdb
import pandas as pd
import pytest

from dagster_project.analysis import curve_tables, labels, report
from dagster_project.analysis import formatting as fmt
from dagster_project.defs.analysis import assets as analysis
from tests.helpers.report_page import LONG_DECIMALS, MISSING_WORDS

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
