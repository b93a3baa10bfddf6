"""The findings report and the regression tables of the generated sample run (conftest.sample_pipeline)."""

import re

import pandas as pd
import pytest

from dagster_project.analysis import curve_tables
from dagster_project.defs.analysis import assets as analysis
from tests.helpers.report_page import LONG_DECIMALS, MISSING_WORDS, ledger_frame, parse
from tests.helpers.warehouse import warehouse_connection

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
