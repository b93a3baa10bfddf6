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


def warehouse_like_panel(seed: int = 1) -> pd.DataFrame:
    """marts.fct_convergence_panel's columns and dtypes, rows shuffled, missing and non-finite values: what run() meets.

    Korea and Taiwan are there for their sample, and 'USA1', whose "USA1:…" labels sort before the
    "USA:…" ones although its code sorts after 'USA'. Income varies within a country over the years,
    as in the World Bank history.
    """
    rng = np.random.default_rng(seed)
    countries = ["AUS", "DEU", "KOR", "TWN", "USA", "USA1", "CHN", "MEX"]
    industries = [f"c{i}" for i in range(3, 17)]
    years = list(range(2000, 2009))
    groups = ["business", "telecom"]
    keys = pd.MultiIndex.from_product([countries, industries, years, groups], names=["c", "i", "t", "g"])
    frame = keys.to_frame(index=False)
    n = len(frame)
    entity = frame["c"] + frame["i"]
    entity_effect = entity.map(dict(zip(entity.unique(), rng.normal(5, 1, entity.nunique()))))
    conv = rng.uniform(0.02, 0.3, n)
    higher = frame["i"].isin(["c9", "c13", "c14", "c15"]).to_numpy()
    high_income = ((frame["c"].map({c: k for k, c in enumerate(countries)}) + frame["t"]) % 3 != 0).to_numpy()
    ln_y = entity_effect + 0.02 * (frame["t"] - 2000) + 2 * conv + conv * higher - 0.5 * conv * higher * high_income
    ln_y = ln_y + rng.normal(0, 0.05, n)
    panel = pd.DataFrame(
        {
            "classification": "wiod2013",
            "country_code": frame["c"].astype("str"),
            "country_iso3": frame["c"].astype("str"),
            "industry_code": frame["i"].astype("str"),
            "year": frame["t"].astype("int16"),
            "service_group": frame["g"].astype("str"),
            "conv_direct_lag": np.where(rng.uniform(size=n) < 0.02, np.nan, conv),
            "conv_leontief_lag": conv * rng.uniform(1.2, 1.8, n),
            "ln_value_added_proxy": np.where(rng.uniform(size=n) < 0.02, -np.inf, ln_y),
            "ln_gross_output": ln_y + 0.7,
            "is_higher_tech": higher,
            "is_high_income": high_income,
            "is_manufacturing_oriented": rng.uniform(size=n) < 0.5,
            "manufacturing_va_share": rng.uniform(0.1, 0.3, n),
        }
    )
    return panel.sample(frac=1, random_state=seed).reset_index(drop=True)


def plain_fit(panel: pd.DataFrame, spec: RegressionSpec) -> pd.DataFrame:
    """One specification fitted the straightforward way: text labels, its own rows, nothing shared."""
    from linearmodels.panel import PanelOLS

    rows = panel[panel["service_group"] == spec.service_group]
    if regressions.SAMPLES[spec.sample][1]:
        rows = rows.query(regressions.SAMPLES[spec.sample][1])
    conv = rows[regressions.CONVERGENCE_MEASURES[spec.conv_measure]]
    hightech = rows["is_higher_tech"].astype(float)
    terms = {"conv": conv, "conv_x_hightech": conv * hightech}
    if spec.group_definition:
        group = rows[regressions.GROUP_DEFINITIONS[spec.group_definition]].astype(float)
        terms |= {"conv_x_group": conv * group, "conv_x_hightech_x_group": conv * hightech * group}
    year = rows["year"].astype(str)
    data = pd.DataFrame(
        {
            "y": rows[regressions.DEPENDENTS[spec.dependent]],
            **{t: terms[t] for t in spec.terms},
            "entity": rows["country_code"] + ":" + rows["industry_code"],
            "country_year": rows["country_code"] + ":" + year,
            "industry_year": rows["industry_code"] + ":" + year,
            "year": rows["year"].astype(int),
        }
    )
    data = data.replace([np.inf, -np.inf], np.nan).dropna(subset=["y", *spec.terms])
    data = data.sort_values(["entity", "year"]).set_index(["entity", "year"])
    two_way = spec.fixed_effects == "country_industry+year"
    other = None if two_way else pd.Categorical(data[spec.fixed_effects.split("+")[1]])
    result = PanelOLS(
        data["y"], data[list(spec.terms)], entity_effects=True, time_effects=two_way,
        other_effects=None if other is None else pd.DataFrame({"other": other}, index=data.index),
        drop_absorbed=True,
    ).fit(cov_type="clustered", cluster_entity=True)
    return pd.DataFrame(
        {
            "spec_id": spec.spec_id,
            "term": result.params.index,
            "coef": result.params.values,
            "std_err": result.std_errors.values,
            "t_stat": result.tstats.values,
            "p_value": result.pvalues.values,
            "ci_low": result.conf_int()["lower"].values,
            "ci_high": result.conf_int()["upper"].values,
            "n_obs": int(result.nobs),
            "n_clusters": int(result.entity_info["total"]),
            "r2_within": float(result.rsquared_within),
        }
    )


def test_run_gives_bit_for_bit_the_estimates_of_plain_separate_fits_in_the_order_of_the_specifications():
    # run() shares samples between specifications and fits on integer ids; neither may change a number.
    panel = warehouse_like_panel()
    specs = [s for s in regressions.specifications() if s.service_group in ("business", "telecom")]
    specs = specs[::2] + specs[1::2]  # specifications of a sample are not all adjacent
    spec_rows, results = regressions.run(panel, specs)
    expected = pd.concat([plain_fit(panel, s) for s in specs], ignore_index=True)
    pd.testing.assert_frame_equal(results, expected, check_exact=True)
    assert list(spec_rows["spec_id"]) == [s.spec_id for s in specs]
