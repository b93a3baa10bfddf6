"""Panel regressions of production on services convergence (the 2018 convergence study).

    ln(Y_cit) = β·Conv_ci,t−1 + γ·Conv_ci,t−1 × HighTech_i + δ·Conv_ci,t−1 × HighTech_i × Group_c
                + fixed effects + ε

estimated with linearmodels' PanelOLS on the country × manufacturing-industry × year
panel (`marts.fct_convergence_panel`), entity = country × industry, standard errors
clustered by entity. Each specification is data (RegressionSpec), so the table of
specifications analysts read is exactly what was estimated.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

SERVICE_GROUPS = ("business", "telecom", "finance", "kibs", "all_services")
CONVERGENCE_MEASURES = {"direct": "conv_direct_lag", "leontief": "conv_leontief_lag"}
DEPENDENTS = {"va_proxy": "ln_value_added_proxy", "gross_output": "ln_gross_output"}
GROUP_DEFINITIONS = {
    "high_income": "is_high_income",
    "manufacturing_oriented": "is_manufacturing_oriented",
}
FIXED_EFFECTS = {
    "country_industry+year": "country×industry and year",
    "country_industry+country_year": "country×industry and country×year",
    "country_industry+industry_year": "country×industry and industry×year",
}
# Samples: which rows, and which interaction terms vary within them.
SAMPLES = {
    "all_manufacturing": ("all manufacturing industries, all economies but the rest of the world", None),
    "higher_tech": ("high- and medium-high-tech manufacturing", "is_higher_tech"),
    "lower_tech": ("low- and medium-low-tech manufacturing", "~is_higher_tech"),
    "high_income": ("economies that are high-income in that year (World Bank history)", "is_high_income"),
    "manufacturing_oriented": ("economies whose manufacturing share of the value-added proxy is above the year's median", "is_manufacturing_oriented"),
    "korea_taiwan": ("Korea and Taiwan", "country_code in ('KOR', 'TWN')"),
}
TERM_LABELS = {
    "conv": "Conv(t-1)",
    "conv_x_hightech": "Conv(t-1) × HighTech",
    "conv_x_group": "Conv(t-1) × Group",
    "conv_x_hightech_x_group": "Conv(t-1) × HighTech × Group",
}


@dataclass(frozen=True)
class RegressionSpec:
    finding: str
    service_group: str
    conv_measure: str
    dependent: str
    sample: str
    terms: tuple[str, ...]
    group_definition: str | None = None
    fixed_effects: str = "country_industry+year"

    @property
    def spec_id(self) -> str:
        parts = [self.finding, self.service_group, self.conv_measure, self.dependent, self.sample]
        if self.group_definition:
            parts.append(self.group_definition)
        parts.append(self.fixed_effects.replace("+", "_"))
        return "__".join(parts)

    @property
    def formula(self) -> str:
        dependent = f"ln({self.dependent})"
        terms = " + ".join(TERM_LABELS[t] for t in self.terms)
        group = f"; Group = {self.group_definition}" if self.group_definition else ""
        return f"{dependent} ~ {terms} + FE[{FIXED_EFFECTS[self.fixed_effects]}]; Conv = {self.service_group} {self.conv_measure}{group}"

    def row(self) -> dict:
        return {
            "spec_id": self.spec_id,
            **{k: v for k, v in asdict(self).items() if k != "terms"},
            "terms": ", ".join(self.terms),
            "formula": self.formula,
            "sample_description": SAMPLES[self.sample][0],
            "fixed_effects_description": FIXED_EFFECTS[self.fixed_effects],
            "clustering": "country×industry",
        }


def specifications() -> list[RegressionSpec]:
    """The specifications that mirror findings 2-4 of the study, with robustness variants."""
    specs: list[RegressionSpec] = []
    for group in SERVICE_GROUPS:
        for measure in CONVERGENCE_MEASURES:
            # Finding 2: convergence raises production; which service group the most.
            specs.append(RegressionSpec("f2", group, measure, "va_proxy", "all_manufacturing", ("conv",)))
            specs.append(RegressionSpec("f2", group, measure, "gross_output", "all_manufacturing", ("conv",)))
            # Finding 3: the effect by technology level and country type.
            for definition in GROUP_DEFINITIONS:
                specs.append(
                    RegressionSpec(
                        "f3", group, measure, "va_proxy", "all_manufacturing",
                        ("conv", "conv_x_hightech", "conv_x_hightech_x_group"), definition,
                    )
                )
                specs.append(RegressionSpec("f3", group, measure, "va_proxy", definition, ("conv", "conv_x_hightech")))
                for tech in ("higher_tech", "lower_tech"):
                    specs.append(RegressionSpec("f3", group, measure, "va_proxy", tech, ("conv", "conv_x_group"), definition))
            # Finding 4: IT convergence in lower-income manufacturing centres (Korea, Taiwan).
            specs.append(RegressionSpec("f4", group, measure, "va_proxy", "korea_taiwan", ("conv", "conv_x_hightech")))
        # Fixed-effects robustness of finding 2.
        for effects in ("country_industry+country_year", "country_industry+industry_year"):
            specs.append(
                RegressionSpec("f2", group, "direct", "va_proxy", "all_manufacturing", ("conv",), fixed_effects=effects)
            )
    return specs


def prepare(panel: pd.DataFrame) -> pd.DataFrame:
    """The panel with integer entity and effect ids, sorted by entity and year, once for all specifications.

    linearmodels spends much of a fit on a text index; integer ids spare it that. Each id is
    the rank of its "country:industry", "country:year" or "industry:year" label, so entities,
    effect categories and the rows of every fit come in the order of the labels, and the
    estimates are, bit for bit, those of a fit on the labels.
    """
    year = panel["year"].astype(str)
    labels = {
        "entity": panel["country_code"] + ":" + panel["industry_code"],
        "country_year": panel["country_code"] + ":" + year,
        "industry_year": panel["industry_code"] + ":" + year,
    }
    ids = {name: pd.factorize(label, sort=True)[0] for name, label in labels.items()}
    return panel.assign(**ids, year=panel["year"].astype(int)).sort_values(["entity", "year"])


def sample_rows(prepared: pd.DataFrame, service_group: str, sample: str) -> pd.DataFrame:
    """The prepared rows of one service group in one sample, which several specifications share."""
    rows = prepared[prepared["service_group"] == service_group]
    condition = SAMPLES[sample][1]
    return rows.query(condition) if condition else rows


def design(rows: pd.DataFrame, spec: RegressionSpec) -> pd.DataFrame:
    """The columns one specification is estimated on, indexed (entity, year): `rows` are in that order already."""
    conv = rows[CONVERGENCE_MEASURES[spec.conv_measure]]
    y = rows[DEPENDENTS[spec.dependent]]
    hightech = rows["is_higher_tech"].astype(float)
    group = rows[GROUP_DEFINITIONS[spec.group_definition]].astype(float) if spec.group_definition else None
    columns = {
        "conv": conv,
        "conv_x_hightech": conv * hightech,
        "conv_x_group": conv * group if group is not None else None,
        "conv_x_hightech_x_group": conv * hightech * group if group is not None else None,
    }
    frame = pd.DataFrame(
        {
            "y": y,
            **{t: columns[t] for t in spec.terms},
            **{c: rows[c] for c in ("entity", "country_year", "industry_year", "year")},
        }
    )
    frame = frame.replace([np.inf, -np.inf], np.nan).dropna(subset=["y", *spec.terms])
    return frame.set_index(["entity", "year"])


def estimate(data: pd.DataFrame, spec: RegressionSpec) -> pd.DataFrame:
    """Estimate one specification on its design; one row per term."""
    from linearmodels.panel import PanelOLS  # about 1 s: imported by the estimation only, not by the code location

    other = None
    if spec.fixed_effects != "country_industry+year":
        column = spec.fixed_effects.split("+")[1]
        other = pd.DataFrame({column: pd.Categorical(data[column])}, index=data.index)
    model = PanelOLS(
        data["y"],
        data[list(spec.terms)],
        entity_effects=True,
        time_effects=spec.fixed_effects == "country_industry+year",
        other_effects=other,
        drop_absorbed=True,
    )
    result = model.fit(cov_type="clustered", cluster_entity=True)
    intervals = result.conf_int()
    return pd.DataFrame(
        {
            "spec_id": spec.spec_id,
            "term": result.params.index,
            "coef": result.params.values,
            "std_err": result.std_errors.values,
            "t_stat": result.tstats.values,
            "p_value": result.pvalues.values,
            "ci_low": intervals["lower"].values,
            "ci_high": intervals["upper"].values,
            "n_obs": int(result.nobs),
            "n_clusters": int(result.entity_info["total"]),
            "r2_within": float(result.rsquared_within),
        }
    )


def fit(panel: pd.DataFrame, spec: RegressionSpec) -> pd.DataFrame:
    """Estimate one specification on the panel; one row per term."""
    return estimate(design(sample_rows(prepare(panel), spec.service_group, spec.sample), spec), spec)


def run(panel: pd.DataFrame, specs: list[RegressionSpec]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every specification's row and its estimates, in the order of `specs`.

    The specifications share samples (the 120 of specifications() share 30), so each is selected once.
    """
    from threadpoolctl import threadpool_limits

    prepared = prepare(panel)
    samples: dict[tuple[str, str], pd.DataFrame] = {}
    estimates = []
    # Each fit is many small least-squares solves: multithreaded BLAS only adds hand-offs, and
    # with another step busy on the other core each solve waited ~75x longer (same results).
    with threadpool_limits(limits=1, user_api="blas"):
        for spec in specs:
            key = (spec.service_group, spec.sample)
            if key not in samples:
                samples[key] = sample_rows(prepared, *key)
            estimates.append(estimate(design(samples[key], spec), spec))
    spec_rows = pd.DataFrame([s.row() for s in specs])
    return spec_rows, pd.concat(estimates, ignore_index=True)
