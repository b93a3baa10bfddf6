"""The regression tables and specification curves on the real data (conftest.real_warehouse)."""


import dagster as dg
import pytest

from dagster_project.analysis import curve_tables
from dagster_project.defs.analysis import assets as analysis
from dagster_project.defs.resources import build_resources
from tests.helpers.warehouse import table_checksums, warehouse_connection

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
        [analysis.regression_tables, analysis.convergence_claims_ledger],
        resources={"warehouse": build_resources(real_warehouse.settings)["warehouse"]},
        selection=[analysis.SPECS_KEY, analysis.RESULTS_KEY, analysis.CURVE_KEY, analysis.CURVE_VERDICTS_KEY,
                   analysis.CLAIMS_KEY],
    )
    assert result.success
    after = table_checksums(real_warehouse.settings)
    for table in ("analytics.regression_specs", "analytics.regression_results", curve_tables.CURVE_TABLE,
                  curve_tables.VERDICTS_TABLE, "analytics.convergence_claims_ledger"):
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
