"""The panel-regression layer recovers coefficients it is given, on a generated panel."""

import numpy as np
import pandas as pd
import pytest

from dagster_project.analysis import regressions
from dagster_project.analysis.regressions import RegressionSpec

TRUE = {"conv": 2.0, "conv_x_hightech": 1.0, "conv_x_hightech_x_group": -0.5}


def generated_panel(seed: int = 0) -> pd.DataFrame:
    """ln Y = entity effect + year effect + the true coefficients · terms + noise."""
    rng = np.random.default_rng(seed)
    rows = []
    year_effect = {t: 0.03 * (t - 2000) + rng.normal(0, 0.05) for t in range(2000, 2012)}
    for c in range(30):
        country = f"C{c:02d}"
        high_income = c % 2 == 0
        for i in range(3, 17):
            industry = f"c{i}"
            higher = i in (9, 13, 14, 15)
            entity_effect = rng.normal(5, 1)
            for year in range(2000, 2012):
                conv = rng.uniform(0.02, 0.3)
                ln_y = (
                    entity_effect + year_effect[year]
                    + TRUE["conv"] * conv
                    + TRUE["conv_x_hightech"] * conv * higher
                    + TRUE["conv_x_hightech_x_group"] * conv * higher * high_income
                    + rng.normal(0, 0.05)
                )
                rows.append(
                    {
                        "country_code": country, "industry_code": industry, "year": year,
                        "service_group": "business", "conv_direct_lag": conv, "conv_leontief_lag": conv * 1.5,
                        "ln_value_added_proxy": ln_y, "ln_gross_output": ln_y + 0.7,
                        "is_higher_tech": higher, "is_high_income": high_income,
                        "is_manufacturing_oriented": not high_income,
                    }
                )
    return pd.DataFrame(rows)


def test_full_interaction_model_recovers_the_true_coefficients_within_their_standard_errors():
    spec = RegressionSpec(
        "f3", "business", "direct", "va_proxy", "all_manufacturing",
        ("conv", "conv_x_hightech", "conv_x_hightech_x_group"), "high_income",
    )
    result = regressions.fit(generated_panel(), spec).set_index("term")
    for term, true in TRUE.items():
        assert abs(result.loc[term, "coef"] - true) < 3 * result.loc[term, "std_err"], term
        assert result.loc[term, "ci_low"] < true < result.loc[term, "ci_high"]
    assert result["n_obs"].iloc[0] == 30 * 14 * 12
    assert result["n_clusters"].iloc[0] == 30 * 14


def test_leontief_measure_scales_the_coefficient_by_the_inverse_of_its_scale():
    spec = RegressionSpec("f2", "business", "leontief", "va_proxy", "lower_tech", ("conv",))
    result = regressions.fit(generated_panel(), spec).set_index("term")
    # In lower-tech industries only β applies, and Conv_leontief = 1.5 · Conv_direct.
    assert result.loc["conv", "coef"] == pytest.approx(TRUE["conv"] / 1.5, abs=3 * result.loc["conv", "std_err"])


def test_country_year_effects_absorb_the_group_and_leave_the_slope():
    spec = RegressionSpec(
        "f2", "business", "direct", "gross_output", "high_income", ("conv", "conv_x_hightech"),
        fixed_effects="country_industry+country_year",
    )
    result = regressions.fit(generated_panel(), spec).set_index("term")
    # High-income economies: higher-tech slope is 2.0 + 1.0 - 0.5.
    total = result.loc["conv", "coef"] + result.loc["conv_x_hightech", "coef"]
    assert total == pytest.approx(2.5, abs=0.1)


def test_non_finite_logs_are_dropped_not_estimated():
    panel = generated_panel()
    panel.loc[panel.index[:10], "ln_value_added_proxy"] = -np.inf  # proxy <= 0 has no log
    spec = RegressionSpec("f2", "business", "direct", "va_proxy", "all_manufacturing", ("conv",))
    assert regressions.fit(panel, spec)["n_obs"].iloc[0] == 30 * 14 * 12 - 10


def test_specifications_are_unique_and_cover_findings_two_to_four():
    specs = regressions.specifications()
    ids = [s.spec_id for s in specs]
    assert len(ids) == len(set(ids))
    assert {s.finding for s in specs} == {"f2", "f3", "f4"}
    assert all(s.service_group in regressions.SERVICE_GROUPS for s in specs)
