"""Specification curves (Simonsohn, Simmons and Nelson 2020) for findings 2-4 of the 2018 convergence study.

A finding judged on one hand-picked regression can flip with another defensible choice. Here
every claim is estimated on every combination of the choices declared in the seeds of
dbt/seeds/analysis (the convergence measure, the dependent variable, the industries, the
estimator and its fixed effects, the country type, the period and the service group or IT
proxy), and the verdict rests on the shares of specifications that support the claim
(expected sign, significant), contradict it (opposite sign, significant) or leave it open.

- Every specification of a claim is fitted on the same kind of rows: the complete cases of
  the panel (every measure of every group and both dependents present), so that two
  specifications differ only in their declared choices.
- Fixed effects are demeaned once per sample and estimator and shared by every regressor and
  dependent (within_ols: Frisch-Waugh-Lovell).
- Standard errors are clustered by country x industry; samples with fewer clusters than the
  declared threshold get the restricted wild cluster bootstrap instead (wild_bootstrap).
- Combinations related by an accounting identity (specification_bias_rules) are estimated,
  flagged with the reason and left out of the verdict.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import special, stats

from dagster_project.analysis import wild_bootstrap, within_ols

PANEL_QUERY = Path(__file__).with_name("specification_panel.sql")
# Dimensions in the order spec ids and charts list them; a claim varies either the service
# group or the IT proxy, and has every other dimension.
GROUP_DIMENSIONS = ("service_group", "it_proxy")
DIMENSIONS = (*GROUP_DIMENSIONS, "conv_measure", "dependent", "industries", "estimator", "country_type", "period")
MEASURES = ("input_share", "direct", "leontief_total", "leontief_domestic")
DEPENDENTS = ("va_proxy", "gross_output")
# Fixed effects of each estimator, as panel columns; clusters are country x industry throughout.
ESTIMATORS = {
    "within_year": ("entity", "year"),
    "within_country_year": ("entity", "country_year"),
    "pooled_country_year_industry": ("country_year", "industry_code"),
}
PERIODS = {"1996_2011": (1996, 2011), "2000_2011": (2000, 2011)}
IT_MINUS_RIVAL = "it_minus_rival"
OUTCOMES = ("supports", "contradicts", "inconclusive", "excluded: mechanically biased", "not estimable")
ROBUST, FRAGILE, CONTRADICTED, NOT_TESTABLE = "robust", "fragile", "contradicted", "not testable"


def _flag(value) -> bool | None:
    """A seed's boolean, read from the warehouse (True/NaN) or from the CSV ('true'/'')."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    text = str(value).strip().lower()
    if text in ("", "nan", "none"):
        return None
    if text in ("true", "false"):
        return text == "true"
    raise ValueError(f"expected true, false or empty, got {value!r}")


@dataclass(frozen=True)
class Settings:
    significance_level: float
    small_cluster_threshold: int
    bootstrap_draws: int
    bootstrap_weights: str
    bootstrap_seed: int
    it_rival_groups: tuple[str, ...]
    robust_min_support_share: float
    robust_max_contradict_share: float
    contradicted_min_contradict_share: float

    @classmethod
    def from_table(cls, table: pd.DataFrame) -> Settings:
        values = dict(zip(table["setting"], table["value"]))
        fields = cls.__dataclass_fields__
        missing = sorted(set(fields) - set(values))
        if missing:
            raise ValueError(f"seed specification_settings: no row for {', '.join(missing)}")
        parsed = {}
        for name, spec in fields.items():
            text = str(values[name]).strip()
            try:
                parsed[name] = tuple(text.split()) if name == "it_rival_groups" else (
                    text if spec.type == "str" else (int if spec.type == "int" else float)(text))
            except ValueError:
                raise ValueError(f"seed specification_settings, setting {name}: expected a {spec.type}, got {text!r}") from None
        return cls(**parsed)

    def verdict(self, support: float, contradict: float) -> tuple[str, str]:
        """The verdict on a claim from its shares of counted specifications, and why, in words."""
        least, most, against = self.robust_min_support_share, self.robust_max_contradict_share, self.contradicted_min_contradict_share
        if np.isnan(support):
            return NOT_TESTABLE, "no specification of its curve could be counted"
        if support >= least and contradict <= most:
            return ROBUST, f"robust: {support:.0%} of its specifications support it and {contradict:.0%} contradict it"
        if contradict >= against:
            return CONTRADICTED, f"contradicted: {contradict:.0%} of its specifications contradict it (at least {against:.0%})"
        if support < least:
            return FRAGILE, f"fragile: only {support:.0%} of its specifications support it (robust needs {least:.0%})"
        return FRAGILE, f"fragile: {contradict:.0%} of its specifications contradict it (robust allows {most:.0%})"

    def rule(self) -> str:
        """The verdict rule in words, as the report states it."""
        return (
            f"robust: at least {self.robust_min_support_share:.0%} of the counted specifications support the claim "
            f"(expected sign, p < {self.significance_level:g}) and at most {self.robust_max_contradict_share:.0%} "
            f"contradict it (opposite sign, p < {self.significance_level:g}); contradicted: at least "
            f"{self.contradicted_min_contradict_share:.0%} contradict it; fragile: any other mix; not testable: no "
            "specification could be counted. Mechanically biased specifications are kept in the curve's table, "
            "flagged with the reason, and not counted."
        )


@dataclass(frozen=True)
class Grid:
    """The seeds of dbt/seeds/analysis, and the industries of each regressor group."""

    claims: pd.DataFrame  # specification_claims
    claim_choices: pd.DataFrame  # specification_claim_choices
    country_types: pd.DataFrame  # specification_country_types
    bias_rules: pd.DataFrame  # specification_bias_rules
    settings: Settings
    members: dict[str, frozenset[str]]  # regressor group -> its industries (service_groups, specification_it_proxies)

    @classmethod
    def from_tables(cls, claims, claim_choices, country_types, bias_rules, settings, service_groups, it_proxies) -> Grid:
        members: dict[str, set[str]] = {}
        for group, industry in itertools.chain(
            zip(service_groups["service_group"], service_groups["industry_code"]),
            zip(it_proxies["it_proxy"], it_proxies["industry_code"]),
        ):
            members.setdefault(group, set()).add(industry)
        claim_choices = claim_choices.assign(is_study_choice=[bool(_flag(v)) for v in claim_choices["is_study_choice"]])
        country_types = country_types.assign(
            **{c: [_flag(v) for v in country_types[c]] for c in ("is_high_income", "is_manufacturing_oriented")},
            country_codes=[tuple(str(v).split()) if not pd.isna(v) else () for v in country_types["country_codes"]],
        )
        grid = cls(claims.assign(expected_sign=claims["expected_sign"].astype(int)), claim_choices, country_types,
                   bias_rules, Settings.from_table(settings), {g: frozenset(m) for g, m in members.items()})
        grid.check()
        return grid

    def check(self) -> None:
        """Every claim has one group dimension and every other dimension; every choice is known."""
        known = {
            "conv_measure": set(MEASURES), "dependent": set(DEPENDENTS), "estimator": set(ESTIMATORS),
            "period": set(PERIODS), "industries": {"manufacturing", "all"},
            "country_type": set(self.country_types["country_type"]), "service_group": set(self.members),
            "it_proxy": set(self.members),
        }
        for claim, choices in self.claim_choices.groupby("claim_key"):
            dimensions = set(choices["dimension"])
            unknown = dimensions - set(DIMENSIONS)
            if unknown:
                raise ValueError(f"seed specification_claim_choices, claim {claim}: unknown dimension(s) {sorted(unknown)}")
            needed = set(DIMENSIONS) - set(GROUP_DIMENSIONS)
            if needed - dimensions or len(dimensions & set(GROUP_DIMENSIONS)) != 1:
                raise ValueError(
                    f"seed specification_claim_choices, claim {claim}: needs one of {GROUP_DIMENSIONS} and each of "
                    f"{sorted(needed)}; has {sorted(dimensions)}"
                )
            for dimension, choice in zip(choices["dimension"], choices["choice"]):
                if choice not in known[dimension]:
                    raise ValueError(
                        f"seed specification_claim_choices, claim {claim}: {dimension} {choice!r} is not one of "
                        f"{sorted(known[dimension])}"
                    )
        missing = set(self.claims["claim_key"]) - set(self.claim_choices["claim_key"])
        if missing:
            raise ValueError(f"seed specification_claims: no choices for {sorted(missing)} in specification_claim_choices")

    def rivals(self, it_proxy: str) -> list[str]:
        """The groups 'IT the most' compares the proxy with: the declared rivals sharing no industry with it."""
        return [g for g in self.settings.it_rival_groups if not self.members[g] & self.members[it_proxy]]


def specifications(grid: Grid) -> pd.DataFrame:
    """One row per claim and combination of its choices, with its bias flag and reason."""
    rules = {(d, m): r for d, m, r in zip(grid.bias_rules["dependent"], grid.bias_rules["conv_measure"], grid.bias_rules["reason"])}
    rows = []
    for claim in grid.claims.itertuples(index=False):
        choices = grid.claim_choices[grid.claim_choices["claim_key"] == claim.claim_key]
        dimensions = [d for d in DIMENSIONS if d in set(choices["dimension"])]
        options = [list(choices.loc[choices["dimension"] == d, "choice"]) for d in dimensions]
        study = set(choices.loc[choices["is_study_choice"], "choice"])
        for combination in itertools.product(*options):
            row = dict.fromkeys(DIMENSIONS) | dict(zip(dimensions, combination))
            reason = rules.get((row["dependent"], row["conv_measure"]))
            rows.append(
                {
                    "spec_id": "__".join((claim.claim_key, *combination)),
                    "claim_key": claim.claim_key, "finding": str(claim.finding), **row,
                    "tested_term": claim.tested_term, "expected_sign": claim.expected_sign,
                    "regressors": tuple(str(claim.regressors).split()),
                    "is_study_specification": set(combination) <= study,
                    "is_mechanically_biased": reason is not None, "bias_reason": reason,
                }
            )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# The panel and its samples
# ---------------------------------------------------------------------------------------------

def wide_panel(long: pd.DataFrame) -> pd.DataFrame:
    """The panel query's rows (one per country, industry, year and regressor group) as one row per
    country, industry and year: dependents, flags, effect ids and a column per measure and group
    ('direct:telecom'); only complete cases, so that every specification draws on the same rows."""
    keys = ["country_code", "industry_code", "year"]
    rows = long.drop_duplicates(keys).set_index(keys)
    regressors = long.pivot(index=keys, columns="regressor_group", values=list(MEASURES))
    regressors.columns = [f"{measure}:{group}" for measure, group in regressors.columns]
    wide = rows[[*DEPENDENTS, "is_manufacturing", "is_higher_tech", "is_high_income", "is_manufacturing_oriented"]].join(regressors)
    values = wide[[*DEPENDENTS, *regressors.columns]].to_numpy(dtype=float)
    wide = wide[np.isfinite(values).all(axis=1)].reset_index()
    year = wide["year"].astype(str)
    return wide.assign(
        year=wide["year"].astype(int),
        entity=wide["country_code"] + ":" + wide["industry_code"],
        country_year=wide["country_code"] + ":" + year,
    )


def sample_mask(panel: pd.DataFrame, grid: Grid, industries: str, country_type: str, period: str) -> np.ndarray:
    """The rows of one sample: its industries, the economies of its country type that year, its years."""
    kind = grid.country_types.set_index("country_type").loc[country_type]
    first, last = PERIODS[period]
    mask = panel["year"].between(first, last).to_numpy()
    if industries == "manufacturing":
        mask = mask & panel["is_manufacturing"].to_numpy(dtype=bool)
    for column in ("is_high_income", "is_manufacturing_oriented"):
        if kind[column] is not None:
            # an economy the World Bank does not classify that year is in neither income class
            mask = mask & (panel[column] == kind[column]).fillna(False).to_numpy(dtype=bool)
    if kind["country_codes"]:
        mask = mask & panel["country_code"].isin(kind["country_codes"]).to_numpy()
    return mask


def _codes(values: np.ndarray) -> np.ndarray:
    return pd.factorize(values, sort=True)[0]


# ---------------------------------------------------------------------------------------------
# Estimation
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Inference:
    """Turns a slope and its clustered standard error into p, the interval and the method's name."""

    settings: Settings
    n_clusters: int
    weights: np.ndarray | None  # bootstrap draws x clusters when the sample has few clusters
    critical_t: float  # two-sided critical value of t with G-1 degrees of freedom

    @classmethod
    def for_sample(cls, settings: Settings, n_clusters: int) -> Inference:
        critical = float(stats.t.ppf(1 - settings.significance_level / 2, n_clusters - 1))
        if n_clusters >= settings.small_cluster_threshold:
            return cls(settings, n_clusters, None, critical)
        rng = np.random.default_rng(settings.bootstrap_seed)
        weights = wild_bootstrap.draw_weights(settings.bootstrap_weights, settings.bootstrap_draws, n_clusters, rng)
        return cls(settings, n_clusters, weights, critical)

    @property
    def method(self) -> str:
        if self.weights is None:
            return "clustered"
        return f"wild cluster bootstrap ({self.settings.bootstrap_weights}, {len(self.weights)} draws)"

    def analytic(self, estimate: float, std_err: float) -> dict:
        t = estimate / std_err
        half = self.critical_t * std_err
        p = 2 * special.stdtr(self.n_clusters - 1, -abs(t))
        return {"t_stat": t, "p_value": p, "ci_low": estimate - half, "ci_high": estimate + half}

    def test(self, X: np.ndarray, y: np.ndarray, clusters: np.ndarray, tested: int, estimate: float, std_err: float,
             factor: float) -> dict:
        """p-value and interval of one slope: clustered (t with G-1 degrees of freedom), or WCR bootstrap,
        whose t statistics have no small-sample `factor` (the same on every draw, it cancels)."""
        if self.weights is None:
            return self.analytic(estimate, std_err)
        result = wild_bootstrap.restricted_test(X, y, clusters, tested, self.weights, self.settings.significance_level)
        half = result.critical_value * std_err / np.sqrt(factor)
        return {"t_stat": estimate / std_err, "p_value": result.p_value, "ci_low": estimate - half, "ci_high": estimate + half}


def _regressor_columns(sample: dict[str, np.ndarray], regressors: tuple[str, ...], measure: str, group: str) -> np.ndarray:
    conv = sample[f"{measure}:{group}"]
    columns = {"conv": conv, "conv_x_hightech": conv * sample["is_higher_tech"]}
    return np.column_stack([columns[r] for r in regressors])


def _regressor_sets(specs: pd.DataFrame, grid: Grid):
    """(measure, group) of every regression the specifications need, the rivals of 'IT the most' included."""
    for spec in specs[["conv_measure", "group", "tested_term"]].itertuples(index=False):
        yield spec.conv_measure, spec.group
        if spec.tested_term == IT_MINUS_RIVAL:
            yield from ((spec.conv_measure, rival) for rival in grid.rivals(spec.group))


def _not_estimable(spec, n_obs: int, n_clusters: int) -> dict:
    return {"spec_id": spec.spec_id, "n_obs": n_obs, "n_clusters": n_clusters, "estimate": np.nan}


def estimate_sample(sample: dict[str, np.ndarray], estimator: str, specs: pd.DataFrame, grid: Grid) -> list[dict]:
    """Every specification of one sample (its rows of the wide panel, column by column) and
    estimator: the effects demeaned once for all of them."""
    clusters = _codes(sample["entity"])
    effects = [_codes(sample[column]) for column in ESTIMATORS[estimator]]
    inference = Inference.for_sample(grid.settings, int(clusters.max()) + 1)
    absorbed = within_ols.absorbed_parameters(effects, clusters)
    results = []
    for regressors, members in specs.groupby("regressors", sort=False):
        sets = list(dict.fromkeys(_regressor_sets(members, grid)))  # (measure, group) of each regressor set
        raw = np.stack([_regressor_columns(sample, regressors, m, g) for m, g in sets], axis=1)  # n x J x k
        n, J, k = raw.shape
        raw_y = np.column_stack([sample[d] for d in DEPENDENTS])
        demeaned = within_ols.demean(np.column_stack([raw_y, raw.reshape(n, J * k)]), effects)
        Y, X = demeaned[:, : len(DEPENDENTS)], demeaned[:, len(DEPENDENTS):].reshape(n, J, k)
        fitted = within_ols.fit(X, Y, clusters, raw_X=raw, absorbed=absorbed)
        position = {key: j for j, key in enumerate(sets)}
        spread = raw[:, :, 0].std(axis=0, ddof=1)  # standard deviation of Conv in the sample, per regressor set
        for spec in members[["spec_id", "conv_measure", "group", "dependent", "tested_term"]].itertuples(index=False):
            j, dependent = position[(spec.conv_measure, spec.group)], DEPENDENTS.index(spec.dependent)
            base = {"spec_id": spec.spec_id, "n_obs": n, "n_clusters": inference.n_clusters,
                    "inference": inference.method, "bootstrap_draws": None if inference.weights is None else len(inference.weights)}
            if spec.tested_term == IT_MINUS_RIVAL:
                results.append(base | _it_minus_rival(spec, fitted, position, spread, dependent, grid, inference))
                continue
            tested = regressors.index(spec.tested_term)
            estimate, std_err = fitted.coef[j, dependent, tested], fitted.std_err[j, dependent, tested]
            if not np.isfinite(estimate):
                results.append(_not_estimable(spec, n, inference.n_clusters))
                continue
            test = inference.test(X[:, j, :], Y[:, dependent], clusters, tested, estimate, std_err, fitted.factor)
            results.append(base | {"estimate": estimate, "std_err": std_err, **test, "regressor_sd": spread[j],
                                   "rival_group": None})
    return results


def _it_minus_rival(spec, fitted: within_ols.Fit, position: dict, spread: np.ndarray, dependent: int, grid: Grid,
                    inference: Inference) -> dict:
    """The IT proxy's one-standard-deviation effect minus each rival's, from separate regressions on
    the same rows: their covariance comes from the clusters' scores (as Stata's suest). The rival
    with the smallest t statistic is returned: the claim holds only if it beats that one too."""
    if inference.weights is not None:
        raise ValueError(f"{spec.spec_id}: 'IT the most' compares separate regressions, which the wild bootstrap "
                         f"here does not; its samples need {grid.settings.small_cluster_threshold} clusters or more")
    it = position[(spec.conv_measure, spec.group)]
    candidates = []
    for rival in grid.rivals(spec.group):
        r = position[(spec.conv_measure, rival)]
        scale = np.array([spread[it], -spread[r]])
        betas = np.array([fitted.coef[it, dependent, 0], fitted.coef[r, dependent, 0]])
        if not np.isfinite(betas).all():
            continue
        scores = np.column_stack([fitted.scores[:, it, dependent, 0] * fitted.bread[it, 0, 0],
                                  fitted.scores[:, r, dependent, 0] * fitted.bread[r, 0, 0]])
        cov = fitted.factor * scores.T @ scores
        estimate = float(scale @ betas)
        std_err = float(np.sqrt(scale @ cov @ scale))
        candidates.append((estimate / std_err, rival, estimate, std_err))
    if not candidates:
        return {"estimate": np.nan}
    _, rival, estimate, std_err = min(candidates)
    return {"estimate": estimate, "std_err": std_err, **inference.analytic(estimate, std_err), "regressor_sd": 1.0,
            "rival_group": rival}


def estimate(panel: pd.DataFrame, grid: Grid, specs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every specification's estimate, inference, one-standard-deviation effect and outcome.

    `panel` is wide_panel()'s; `specs` default to every specification of the grid.
    """
    from threadpoolctl import threadpool_limits

    specs = specifications(grid) if specs is None else specs
    specs = specs.assign(group=specs["service_group"].fillna(specs["it_proxy"]))
    results = []
    # Small products, many of them: one BLAS thread hands off nothing, and gives the same bits every run.
    with threadpool_limits(limits=1, user_api="blas"):
        for (industries, country_type, period), by_sample in specs.groupby(["industries", "country_type", "period"], sort=False):
            rows = panel[sample_mask(panel, grid, industries, country_type, period)]
            sample = {name: rows[name].to_numpy(dtype=float if name.startswith(("is_", *MEASURES, *DEPENDENTS)) else None)
                      for name in rows.columns}
            for estimator, chosen in by_sample.groupby("estimator", sort=False):
                if rows.empty:
                    results += [_not_estimable(s, 0, 0) for s in chosen.itertuples(index=False)]
                    continue
                results += estimate_sample(sample, estimator, chosen, grid)
    estimates = pd.DataFrame(results)
    curve = specs.drop(columns=["group", "regressors"]).merge(estimates, on="spec_id", how="left", validate="one_to_one")
    sd = curve["regressor_sd"]
    return curve.assign(
        effect_1sd=curve["estimate"] * sd, effect_1sd_low=curve["ci_low"] * sd, effect_1sd_high=curve["ci_high"] * sd,
        outcome=outcomes(curve, grid.settings.significance_level),
    )


def outcomes(curve: pd.DataFrame, level: float) -> list[str]:
    """supports / contradicts (significant with the expected / opposite sign), inconclusive, or why not counted."""
    result = []
    for row in curve.itertuples(index=False):
        if row.is_mechanically_biased:
            result.append(OUTCOMES[3])
        elif not np.isfinite(row.estimate) or not np.isfinite(row.p_value):
            result.append(OUTCOMES[4])
        elif row.p_value >= level:
            result.append("inconclusive")
        else:
            result.append("supports" if np.sign(row.estimate) == row.expected_sign else "contradicts")
    return result


def verdicts(curve: pd.DataFrame, grid: Grid) -> pd.DataFrame:
    """One row per claim: how many specifications support, contradict or leave it open, and the verdict."""
    s = grid.settings
    rows = []
    for number, claim in enumerate(grid.claims.itertuples(index=False), start=1):
        own = curve[curve["claim_key"] == claim.claim_key]
        counts = own["outcome"].value_counts()
        counted = int(sum(counts.get(o, 0) for o in OUTCOMES[:3]))
        share = {o: counts.get(o, 0) / counted if counted else np.nan for o in OUTCOMES[:3]}
        verdict, reason = s.verdict(share["supports"], share["contradicts"])
        study = own[own["is_study_specification"]]
        rows.append(
            {
                "claim_key": claim.claim_key, "claim_number": number, "finding": str(claim.finding), "claim": claim.claim,
                "tested_quantity": claim.tested_quantity,
                "n_specifications": len(own), "n_counted": counted,
                "n_mechanically_biased": int(counts.get(OUTCOMES[3], 0)), "n_not_estimable": int(counts.get(OUTCOMES[4], 0)),
                "n_supporting": int(counts.get("supports", 0)), "n_contradicting": int(counts.get("contradicts", 0)),
                "n_inconclusive": int(counts.get("inconclusive", 0)),
                "share_supporting": share["supports"], "share_contradicting": share["contradicts"],
                "share_inconclusive": share["inconclusive"],
                "study_specifications": "; ".join(f"{o}: {n}" for o, n in study["outcome"].value_counts().sort_index().items()),
                "verdict": verdict, "reason": reason, "rule": s.rule(),
            }
        )
    return pd.DataFrame(rows)
