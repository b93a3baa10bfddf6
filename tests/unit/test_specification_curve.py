"""Specification curves of findings 2-4: the grid from its seeds, the fixed-effects fits against
linearmodels, the wild cluster bootstrap, the mechanical-bias rule and the verdicts, on generated
panels in the layout of the specification panel query (analysis/specification_panel.sql)."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from dagster_project.analysis import specification_curve as sc
from dagster_project.analysis import wild_bootstrap, within_ols
from dagster_project.quality.seeds import seed
from tests.helpers.warehouse import warehouse_connection

MANUFACTURING = tuple(f"c{i}" for i in range(3, 17))
HIGHER_TECH = ("c9", "c13", "c14", "c15")
OTHER_INDUSTRIES = ("c1", "c2", "c19", "c27", "c30")
GROUPS = ("all_services", "kibs", "telecom", "finance", "business", "it_c27", "it_c30", "it_c27_c30")


def seed_grid() -> sc.Grid:
    """The declared grid, read from the seed CSVs as dbt loads them."""
    return sc.Grid.from_tables(
        claims=seed("specification_claims"), claim_choices=seed("specification_claim_choices"),
        country_types=seed("specification_country_types"), bias_rules=seed("specification_bias_rules"),
        settings=seed("specification_settings"),
        service_groups=seed("service_groups").query("classification == 'wiod2013'"),
        it_proxies=seed("specification_it_proxies"),
    )


def generated_panel(slopes: dict[str, float], hightech_slopes: dict[str, float], seed_: int = 0,
                    noise: float = 0.02, within_sd: dict[str, float] | None = None) -> pd.DataFrame:
    """The panel query's rows with known effects: ln Y = country + industry + year effects
    + Σ_g (slopes[g]·Conv_g + hightech_slopes[g]·Conv_g·HighTech) + noise.

    Each group's convergence is its own draw: an industry level plus yearly noise (standard
    deviation within_sd[g], default 0.03), so that the pooled estimator's industry effects absorb
    the levels, and their products with HighTech, as the within estimators' country x industry
    effects do. The four measures are affine in it
    (so every measure has the same t statistic), and ln(value-added proxy) is ln(gross output)
    less a constant: no identity ties them to the measures here.
    Ten economies (KOR and TWN among them) cover every country type of the grid.
    """
    rng = np.random.default_rng(seed_)
    countries = ("AUS", "DEU", "FRA", "JPN", "KOR", "TWN", "BRA", "CHN", "IND", "MEX")
    industries = MANUFACTURING + OTHER_INDUSTRIES
    years = np.arange(1996, 2012)
    keys = pd.MultiIndex.from_product([countries, industries, years], names=["country_code", "industry_code", "year"])
    rows = keys.to_frame(index=False)
    n = len(rows)
    c = rows["country_code"].map({k: i for i, k in enumerate(countries)}).to_numpy()
    i = rows["industry_code"].map({k: j for j, k in enumerate(industries)}).to_numpy()
    t = rows["year"].to_numpy() - years[0]
    higher = rows["industry_code"].isin(HIGHER_TECH).to_numpy()
    ln_y = rng.normal(8, 1, len(countries))[c] + rng.normal(0, 1, len(industries))[i] + rng.normal(0, 0.1, len(years))[t]
    conv = {}
    for group in GROUPS:
        level = rng.uniform(0.05, 0.2, len(industries))[i]
        conv[group] = level + rng.normal(0, (within_sd or {}).get(group, 0.03), n)
        ln_y = ln_y + slopes.get(group, 0.0) * conv[group] + hightech_slopes.get(group, 0.0) * conv[group] * higher
    ln_y = ln_y + rng.normal(0, noise, n)
    high_income = c < 6
    manufacturing_oriented = (c % 2 == 0) ^ (t >= 14) * (c == 9)  # Mexico changes type in the last years
    frames = []
    for group in GROUPS:
        frames.append(rows.assign(
            regressor_group=group, input_share=conv[group], direct=0.6 * conv[group],
            leontief_total=1.5 * conv[group] + 0.2, leontief_domestic=1.2 * conv[group] + 0.1,
            va_proxy=ln_y - 0.7, gross_output=ln_y, is_manufacturing=rows["industry_code"].isin(MANUFACTURING),
            is_higher_tech=higher, is_high_income=high_income, is_manufacturing_oriented=manufacturing_oriented,
        ))
    return pd.concat(frames, ignore_index=True)


# ---------------------------------------------------------------------------------------------
# The grid
# ---------------------------------------------------------------------------------------------

def test_every_claim_is_the_full_product_of_its_declared_choices():
    grid = seed_grid()
    specs = sc.specifications(grid)
    choices = seed("specification_claim_choices")
    for claim, own in choices.groupby("claim_key"):
        expected = int(np.prod(own.groupby("dimension").size()))
        assert (specs["claim_key"] == claim).sum() == expected, claim
    assert specs["spec_id"].is_unique
    # The study's own specification: one per service group for finding 2, one for each other claim.
    study = specs[specs["is_study_specification"]].groupby("claim_key").size().to_dict()
    assert study == {"f2_raised": 5, "f2_it_most": 1, "f3_service_high_income": 1, "f3_manufacturing_oriented": 1,
                     "f4_korea_taiwan": 1}


def test_bias_flag_fires_on_value_added_against_measures_over_gross_output_and_only_there():
    specs = sc.specifications(seed_grid())
    flagged = set(map(tuple, specs.loc[specs["is_mechanically_biased"], ["dependent", "conv_measure"]].to_numpy()))
    assert flagged == {("va_proxy", "direct"), ("va_proxy", "leontief_total"), ("va_proxy", "leontief_domestic")}
    unflagged = specs[~specs["is_mechanically_biased"]]
    assert set(unflagged.loc[unflagged["dependent"] == "va_proxy", "conv_measure"]) == {"input_share"}
    assert specs.loc[specs["is_mechanically_biased"], "bias_reason"].str.contains("gross output").all()
    assert unflagged["bias_reason"].isna().all()
    for claim, own in specs.groupby("claim_key"):  # 3 of the 8 measure-dependent pairs in every claim
        assert own["is_mechanically_biased"].mean() == pytest.approx(3 / 8), claim


def test_the_bias_is_real_value_added_proxy_falls_with_the_direct_coefficient_by_construction():
    # No behaviour links inputs to production here: gross output, the intermediate-input ratio
    # m = II/GO and the services' share s of intermediate inputs are independent persistent draws.
    # VA proxy = GO (1 - m) and the direct coefficient is s·m: it carries m, the input share s does not.
    rng = np.random.default_rng(7)
    entities, years = 300, 12
    entity = np.repeat(np.arange(entities), years)
    year = np.tile(np.arange(years), entities)

    def persistent(mean, sd):
        values = np.empty((entities, years))
        values[:, 0] = mean + rng.normal(0, sd, entities)
        for t in range(1, years):
            values[:, t] = mean + 0.8 * (values[:, t - 1] - mean) + rng.normal(0, sd, entities)
        return values

    m, s, ln_go = persistent(0.6, 0.04), persistent(0.2, 0.03), persistent(8.0, 0.1)
    ln_va = (ln_go + np.log(1 - m))[:, 1:].ravel()
    lagged = {"direct": (s * m)[:, :-1].ravel(), "input_share": s[:, :-1].ravel()}
    rows = entity.reshape(entities, years)[:, 1:].ravel()
    effects = [rows, year.reshape(entities, years)[:, 1:].ravel()]
    demeaned = within_ols.demean(np.column_stack([ln_va, lagged["direct"], lagged["input_share"]]), effects)
    fitted = within_ols.fit(demeaned[:, None, 1:].transpose(0, 2, 1), demeaned[:, :1], rows,
                            absorbed=within_ols.absorbed_parameters(effects, rows))
    t = fitted.coef[:, 0, 0] / fitted.std_err[:, 0, 0]
    p = 2 * sc.stats.t.sf(np.abs(t), entities - 1)
    assert t[0] < 0 and p[0] < 0.01  # the direct coefficient: negative and significant with no effect at all
    assert p[1] > 0.05  # the input share: nothing


def test_a_grid_naming_an_unknown_dimension_or_missing_one_is_refused_with_the_claim():
    claims = seed("specification_claim_choices")
    tables = dict(claims=seed("specification_claims"), country_types=seed("specification_country_types"),
                  bias_rules=seed("specification_bias_rules"), settings=seed("specification_settings"),
                  service_groups=seed("service_groups").query("classification == 'wiod2013'"),
                  it_proxies=seed("specification_it_proxies"))
    broken = claims.copy()
    broken.loc[broken["dimension"] == "period", "dimension"] = "decade"
    with pytest.raises(ValueError, match=r"claim f2_it_most: unknown dimension\(s\) \['decade'\]"):
        sc.Grid.from_tables(claim_choices=broken, **tables)
    with pytest.raises(ValueError, match="claim f2_it_most: needs one of"):
        sc.Grid.from_tables(claim_choices=claims[claims["dimension"] != "estimator"], **tables)
    unknown = claims.copy()
    unknown.loc[unknown["choice"] == "within_year", "choice"] = "between"
    with pytest.raises(ValueError, match="estimator 'between' is not one of"):
        sc.Grid.from_tables(claim_choices=unknown, **tables)
    settings = tables.pop("settings").copy()
    settings.loc[settings["setting"] == "bootstrap_draws", "value"] = "many"
    with pytest.raises(ValueError, match="setting bootstrap_draws: expected a int, got 'many'"):
        sc.Grid.from_tables(claim_choices=claims, settings=settings, **tables)


# ---------------------------------------------------------------------------------------------
# Fits: the fixed effects absorbed once, against linearmodels
# ---------------------------------------------------------------------------------------------

def test_absorbed_parameters_are_the_rank_of_the_effects_less_those_nested_in_the_clusters():
    # 3 countries x 2 industries x 4 years; clusters are country x industry.
    country, industry, year = (a.ravel() for a in np.meshgrid(range(3), range(2), range(4), indexing="ij"))
    entity, country_year = country * 2 + industry, country * 4 + year
    assert within_ols.absorbed_parameters([entity, year], entity) == 3  # 4 years - 1; entities nested
    assert within_ols.absorbed_parameters([entity, country_year], entity) == 9  # 12 - 3 (one link per country)
    assert within_ols.absorbed_parameters([country_year, industry], entity) == 12 + 2 - 1  # neither nested
    # Two unconnected halves (a0 with b0, b1; a1 with b2, b3): each has its own redundant level, 2 + 4 - 2.
    a, b = np.array([0, 0, 0, 0, 1, 1, 1, 1]), np.array([0, 1, 0, 1, 2, 3, 2, 3])
    assert within_ols.absorbed_parameters([a, b], np.array([0, 0, 1, 1, 2, 2, 3, 3])) == 4
    assert within_ols.absorbed_parameters([a, b % 2], np.array([0, 0, 1, 1, 2, 2, 3, 3])) == 2 + 2 - 1


@pytest.mark.parametrize("estimator", list(sc.ESTIMATORS))
def test_fits_equal_linearmodels_for_each_estimator(estimator):
    from linearmodels.panel import PanelOLS

    panel = sc.wide_panel(generated_panel({"kibs": 1.0}, {"kibs": 0.5}, noise=0.3))
    rows = np.flatnonzero(panel["industry_code"].isin(MANUFACTURING).to_numpy())
    sample = panel.loc[rows]
    conv = sample["input_share:kibs"].to_numpy()
    raw = np.column_stack([conv, conv * sample["is_higher_tech"]])
    clusters = pd.factorize(sample["entity"], sort=True)[0]
    effects = [pd.factorize(sample[c], sort=True)[0] for c in sc.ESTIMATORS[estimator]]
    demeaned = within_ols.demean(np.column_stack([sample["gross_output"], raw]), effects)
    absorbed = within_ols.absorbed_parameters(effects, clusters)
    fitted = within_ols.fit(demeaned[:, None, 1:], demeaned[:, :1], clusters, raw_X=raw[:, None, :], absorbed=absorbed)

    data = sample.assign(conv=raw[:, 0], conv_x_hightech=raw[:, 1]).set_index(["entity", "year"])
    other = {c: pd.Categorical(data[c]) for c in sc.ESTIMATORS[estimator] if c not in ("entity", "year")}
    reference = PanelOLS(
        data["gross_output"], data[["conv", "conv_x_hightech"]], entity_effects="entity" in sc.ESTIMATORS[estimator],
        time_effects="year" in sc.ESTIMATORS[estimator], other_effects=pd.DataFrame(other, index=data.index) if other else None,
    ).fit(cov_type="clustered", cluster_entity=True, group_debias=True)
    np.testing.assert_allclose(fitted.coef[0, 0], reference.params.to_numpy(), rtol=1e-9)
    # linearmodels' small-sample factor counts every level of every effect less one per effect after
    # the first, entities nested in their own clusters too and links within a country not found;
    # ours counts the rank of the effects and leaves the nested ones out (as Stata's and fixest's
    # clustered errors): the same sandwich otherwise.
    n, k = len(sample), 2
    linearmodels_count = sum(len(np.unique(codes)) for codes in effects) - (len(effects) - 1)
    ratio = (n - k - absorbed) / (n - k - linearmodels_count)
    np.testing.assert_allclose(fitted.std_err[0, 0] ** 2 * ratio, reference.std_errors.to_numpy() ** 2, rtol=1e-8)


# ---------------------------------------------------------------------------------------------
# The wild cluster bootstrap
# ---------------------------------------------------------------------------------------------

def _cluster_sample(rng, clusters: int, slope: float):
    """Unequal clusters whose regressor and error share a cluster component: where clustered t tests over-reject."""
    sizes = rng.integers(5, 60, clusters)
    cluster = np.repeat(np.arange(clusters), sizes)
    x = rng.normal(size=clusters)[cluster] + 0.5 * rng.normal(size=len(cluster))
    other = rng.normal(size=len(cluster))
    y = slope * x + 0.5 * other + rng.normal(size=clusters)[cluster] * (1 + np.abs(x)) + rng.normal(size=len(cluster))
    X = np.column_stack([x, other, np.ones(len(cluster))])
    return X, y, cluster


def test_bootstrap_draws_are_those_of_refitting_each_draw():
    rng = np.random.default_rng(3)
    X, y, cluster = _cluster_sample(rng, 9, 0.3)
    weights = wild_bootstrap.draw_weights("webb", 40, 9, rng)
    result = wild_bootstrap.restricted_test(X, y, cluster, 0, weights)

    def t_stat(values):
        coef = np.linalg.solve(X.T @ X, X.T @ values)
        bread = np.linalg.inv(X.T @ X)
        scores = np.array([X[cluster == g].T @ (values - X @ coef)[cluster == g] for g in range(9)])
        return coef[0] / np.sqrt((bread @ scores.T @ scores @ bread)[0, 0])

    restricted = X[:, 1:] @ np.linalg.lstsq(X[:, 1:], y, rcond=None)[0]
    draws = np.array([t_stat(restricted + (y - restricted) * w[cluster]) for w in weights])
    assert result.p_value == np.mean(np.abs(draws) >= abs(t_stat(y)))
    assert result.critical_value == pytest.approx(np.sort(np.abs(draws))[38], rel=1e-12)  # 2 of 40 draws above it


def test_bootstrap_rejects_a_true_null_no_more_often_than_nominal_with_few_clusters():
    # 300 samples of 10 clusters with a true slope of 0 (fixed seed, about 2 s). Tolerance: two
    # Monte Carlo standard errors of a 5% rate, sqrt(0.05 x 0.95 / 300) = 1.26 points. The plain
    # clustered t test (CR1, t with G-1 degrees of freedom) on the same samples over-rejects,
    # which shows the design is one where the correction matters.
    rng = np.random.default_rng(2018)
    replications, clusters, level = 300, 10, 0.05
    weights = wild_bootstrap.draw_weights("webb", 399, clusters, rng)
    bootstrap_rejections = clustered_rejections = 0
    for _ in range(replications):
        X, y, cluster = _cluster_sample(rng, clusters, 0.0)
        bootstrap_rejections += wild_bootstrap.restricted_test(X, y, cluster, 0, weights).p_value < level
        fitted = within_ols.fit(X[:, None, :], y[:, None], cluster)
        t = fitted.coef[0, 0, 0] / fitted.std_err[0, 0, 0]
        clustered_rejections += 2 * sc.stats.t.sf(abs(t), clusters - 1) < level
    tolerance = 2 * np.sqrt(level * (1 - level) / replications)
    assert bootstrap_rejections / replications <= level + tolerance
    assert clustered_rejections / replications > level + tolerance


# ---------------------------------------------------------------------------------------------
# The curve and its verdicts on panels with known effects
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def known_curve():
    """Strong effects of known sign: finding 2's groups three up and two down, IT proxies far
    stronger than their rivals, and Conv x HighTech positive everywhere. The IT proxies vary less
    within a country x industry, so that their large slopes add little noise to the others' fits."""
    slopes = {"telecom": 1.0, "finance": 1.0, "kibs": 1.0, "business": -3.0, "all_services": -3.0,
              "it_c27": 6.0, "it_c30": 6.0, "it_c27_c30": 6.0}
    hightech = {**dict.fromkeys(GROUPS[:5], 4.0), **dict.fromkeys(GROUPS[5:], 10.0)}
    within_sd = dict.fromkeys(GROUPS[5:], 0.01)
    declared = seed_grid()  # 999 bootstrap draws instead of the declared 9999: seconds, not tens
    grid = dataclasses.replace(declared, settings=dataclasses.replace(declared.settings, bootstrap_draws=999))
    curve = sc.estimate(sc.wide_panel(generated_panel(slopes, hightech, within_sd=within_sd)), grid)
    return grid, curve, sc.verdicts(curve, grid).set_index("claim_key")


def test_curve_recovers_the_sign_in_the_expected_share_of_specifications(known_curve):
    _, curve, verdicts = known_curve
    f2 = verdicts.loc["f2_raised"]
    assert (f2["share_supporting"], f2["share_contradicting"]) == (pytest.approx(3 / 5), pytest.approx(2 / 5))
    counted = curve[(curve["claim_key"] == "f2_raised") & ~curve["is_mechanically_biased"]]
    by_group = counted.groupby("service_group")["outcome"].agg(set).to_dict()
    assert by_group == {"telecom": {"supports"}, "finance": {"supports"}, "kibs": {"supports"},
                        "business": {"contradicts"}, "all_services": {"contradicts"}}
    assert f2["verdict"] == sc.FRAGILE  # 60% support, 40% contradict
    assert verdicts.loc["f2_it_most", "share_supporting"] == 1 and verdicts.loc["f2_it_most", "verdict"] == sc.ROBUST
    assert verdicts.loc["f3_service_high_income", "verdict"] == sc.ROBUST
    assert verdicts.loc["f3_manufacturing_oriented", "share_contradicting"] == 1  # the claim expects a negative sign
    assert verdicts.loc["f3_manufacturing_oriented", "verdict"] == sc.CONTRADICTED
    assert verdicts.loc["f4_korea_taiwan", "verdict"] == sc.ROBUST
    assert (verdicts["n_mechanically_biased"] == verdicts["n_specifications"] * 3 / 8).all()
    assert (verdicts["n_not_estimable"] == 0).all()


def test_it_the_most_is_tested_against_rivals_sharing_no_industry(known_curve):
    grid, curve, _ = known_curve
    assert grid.rivals("it_c27") == ["finance", "business"]
    assert grid.rivals("it_c30") == ["telecom", "finance"]
    assert grid.rivals("it_c27_c30") == ["finance"]
    it_most = curve[curve["claim_key"] == "f2_it_most"]
    for proxy, rivals in (("it_c27", {"finance", "business"}), ("it_c30", {"telecom", "finance"}), ("it_c27_c30", {"finance"})):
        assert set(it_most.loc[it_most["it_proxy"] == proxy, "rival_group"]) <= rivals


def test_small_cluster_samples_use_the_wild_bootstrap_and_the_others_clustered_errors(known_curve):
    grid, curve, _ = known_curve
    small = curve["n_clusters"] < grid.settings.small_cluster_threshold
    korea_taiwan = curve["country_type"] == "korea_taiwan"
    assert (curve.loc[korea_taiwan, "n_clusters"] == 2 * len(MANUFACTURING)).all()
    assert curve.loc[small, "inference"].eq("wild cluster bootstrap (webb, 999 draws)").all()
    assert curve.loc[~small, "inference"].eq("clustered").all()
    assert korea_taiwan.any() and (small >= korea_taiwan).all()
    # The bootstrap's interval is where its test does not reject: zero is inside exactly when p >= 5%.
    rows = curve[small & curve["estimate"].notna()]
    assert ((rows["ci_low"] <= 0) & (rows["ci_high"] >= 0)).eq(rows["p_value"] >= 0.05).all()


def test_every_measure_gives_the_same_t_statistic_when_the_measures_are_affine_in_each_other(known_curve):
    _, curve, _ = known_curve
    keys = ["claim_key", "service_group", "it_proxy", "dependent", "industries", "estimator", "country_type", "period"]
    spread = curve.fillna({"service_group": "", "it_proxy": ""}).groupby(keys)["t_stat"].agg(lambda t: t.max() - t.min())
    assert spread.max() < 1e-6 * curve["t_stat"].abs().max()


def verdict_of(supports: int, contradicts: int, inconclusive: int, biased: int = 0) -> tuple[str, str]:
    grid = seed_grid()
    outcomes = ["supports"] * supports + ["contradicts"] * contradicts + ["inconclusive"] * inconclusive
    outcomes += [sc.OUTCOMES[3]] * biased
    claim = grid.claims["claim_key"].iloc[0]
    curve = pd.DataFrame({"claim_key": claim, "outcome": outcomes, "is_study_specification": False})
    row = sc.verdicts(curve, grid).set_index("claim_key").loc[claim]
    return row["verdict"], row["reason"]


def test_verdict_rule_thresholds():
    # robust: >= 75% support and <= 5% contradict; contradicted: >= 50% contradict; else fragile.
    assert verdict_of(75, 5, 20) == (sc.ROBUST, "robust: 75% of its specifications support it and 5% contradict it")
    assert verdict_of(74, 0, 26) == (sc.FRAGILE, "fragile: only 74% of its specifications support it (robust needs 75%)")
    assert verdict_of(75, 6, 19) == (sc.FRAGILE, "fragile: 6% of its specifications contradict it (robust allows 5%)")
    assert verdict_of(10, 50, 40) == (sc.CONTRADICTED, "contradicted: 50% of its specifications contradict it (at least 50%)")
    assert verdict_of(10, 49, 41)[0] == sc.FRAGILE
    assert verdict_of(0, 0, 0, biased=12) == (sc.NOT_TESTABLE, "no specification of its curve could be counted")
    assert verdict_of(3, 0, 1, biased=100)[0] == sc.ROBUST  # biased ones are never counted


# ---------------------------------------------------------------------------------------------
# The panel query, on the warehouse of the generated sample run
# ---------------------------------------------------------------------------------------------

def test_panel_query_rebuilds_the_marts_measures_and_adds_the_input_share_and_domestic_leontief(sample_pipeline):
    with warehouse_connection(sample_pipeline.settings) as con:
        long = con.execute(sc.PANEL_QUERY.read_text()).df()
        marts = con.execute(
            """
            select p.country_code, p.industry_code, p.year, p.service_group as regressor_group,
                p.conv_direct_lag, p.conv_leontief_lag, p.ln_value_added_proxy, p.ln_gross_output,
                s.input_share_total, s.leontief_domestic as mart_leontief_domestic
            from marts.fct_convergence_panel p
            join marts.fct_manufacturing_servitization s
              on s.classification = p.classification and s.country_code = p.country_code
             and s.industry_code = p.industry_code and s.service_group = p.service_group and s.year = p.year - 1
            where p.classification = 'wiod2013'
                and p.service_group in (select choice from seeds.specification_choices where dimension = 'service_group')
            """
        ).df()
        industries = con.execute("select count(*) from marts.dim_industry where classification = 'wiod2013'").fetchone()[0]
        economies = con.execute("select count(*) from marts.dim_country where country_code in "
                                "(select distinct country_code from marts.fct_convergence_panel)").fetchone()[0]
    both = marts.merge(long, on=["country_code", "industry_code", "year", "regressor_group"], validate="one_to_one")
    assert len(both) == len(marts) > 0
    for mart, ours in (("conv_direct_lag", "direct"), ("input_share_total", "input_share"),
                       ("ln_value_added_proxy", "va_proxy"), ("ln_gross_output", "gross_output")):
        np.testing.assert_allclose(both[ours], both[mart], rtol=1e-12, err_msg=ours)
    # The query's Leontief sums are exact decimal sums of values rounded to 15 decimals (the same bits
    # on every build): within 17 members x 0.5e-15 of the marts' ordered double sums.
    for mart, ours in (("conv_leontief_lag", "leontief_total"), ("mart_leontief_domestic", "leontief_domestic")):
        np.testing.assert_allclose(both[ours], both[mart], rtol=0, atol=1e-14, err_msg=ours)
    years = long["year"].nunique()
    assert len(long) == economies * industries * years * len(GROUPS)
    assert set(long["regressor_group"]) == set(GROUPS)
