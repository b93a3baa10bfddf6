"""The 2018 convergence study's findings 1-5, each tested against this warehouse's numbers.

Every claim gets the evidence computed here and a verdict with a one-line reason:
'reproduced', 'not reproduced' or 'not testable with this data'. The rules are explicit
below so that a reader can disagree with a rule rather than with a number. Findings 2-4 are
judged on their specification curves (robust, fragile or contradicted, specification_curve.py),
with the study's own specifications as evidence.
"""

from __future__ import annotations

import pandas as pd

from dagster_project.analysis.specification_curve import CONTRADICTED, FRAGILE, ROBUST
from dagster_project.analysis.specification_curve import NOT_TESTABLE as CURVE_NOT_TESTABLE

REPRODUCED, NOT_REPRODUCED, NOT_TESTABLE = "reproduced", "not reproduced", "not testable with this data"
IT_PROXY = "telecom"  # WIOD 2013 has no separate computer services; post & telecom stands in for IT
# The curve's verdicts in the ledger's words (dbt/models/marts/ledgers/claims_ledger_all.sql maps these on).
CURVE_VERDICTS = {ROBUST: REPRODUCED, FRAGILE: NOT_REPRODUCED, CONTRADICTED: NOT_REPRODUCED, CURVE_NOT_TESTABLE: NOT_TESTABLE}


def world_share(servitization: pd.DataFrame, group: str, year: int) -> float:
    """Service-group share of all manufacturing inputs, all economies pooled (ratio of sums)."""
    rows = servitization.query("industry_code == 'MFG' and service_group == @group and year == @year")
    return float(rows["service_inputs_usd_m"].sum() / rows["intermediate_inputs_usd_m"].sum())


def _claim(finding: str, claim: str, evidence: str, verdict: str, reason: str, published: str = "", computed: str = "") -> dict:
    return {
        "finding": finding, "claim": claim, "published_value": published, "computed_value": computed,
        "evidence": evidence, "verdict": verdict, "reason": reason,
    }


def economies_rising(servitization: pd.DataFrame, group: str, first: int, last: int) -> tuple[int, int]:
    """How many economies (the rest of the world excluded) had a higher share in `last` than in `first`."""
    rows = servitization.query(
        "industry_code == 'MFG' and service_group == @group and year in (@first, @last) and country_code != 'RoW'"
    ).pivot(index="country_code", columns="year", values="input_share_total").dropna()
    return int((rows[last] > rows[first]).sum()), len(rows)


def finding_1(servitization: pd.DataFrame) -> list[dict]:
    """'Worldwide' is read as: most economies' own shares rose. The pooled world share is shown
    too; it also moves with the shift of manufacturing between economies (China's growing
    weight, with a low service share, pulls it down even where every economy rises)."""
    first, last = int(servitization["year"].min()), int(servitization["year"].max())
    claims = []
    for group, label in ((IT_PROXY, "IT (post and telecom)"), ("business", "business")):
        start, end = world_share(servitization, group, first), world_share(servitization, group, last)
        rising, economies = economies_rising(servitization, group, first, last)
        holds = rising > economies / 2
        claims.append(
            _claim(
                "1", f"Convergence of manufacturing with {label} services strengthened worldwide",
                f"pooled world {group} share of manufacturing inputs {first}: {start:.4f}, {last}: {end:.4f}; "
                f"rose in {rising} of {economies} economies",
                REPRODUCED if holds else NOT_REPRODUCED,
                f"the share rose in most economies (pooled share {'up' if end > start else 'down'}: composition)"
                if holds else "the share did not rise in most economies",
                computed=f"{end - start:+.4f} pooled; {rising}/{economies} economies up",
            )
        )
    latest = servitization.query(
        "industry_code == 'MFG' and service_group == 'business' and year == @last and country_code != 'RoW'"
    ).sort_values("input_share_total", ascending=False).reset_index(drop=True)
    kor_rank = int(latest.index[latest["country_code"] == "KOR"][0]) + 1
    median = float(latest["input_share_total"].median())
    kor = float(latest.loc[latest["country_code"] == "KOR", "input_share_total"].iloc[0])
    claims.append(
        _claim(
            "1", "Korea's manufacturing-business-services convergence is low",
            f"KOR business share {last}: {kor:.4f}, rank {kor_rank} of {len(latest)}, median {median:.4f}",
            REPRODUCED if kor < median else NOT_REPRODUCED,
            "below the median economy" if kor < median else "not below the median economy",
            computed=f"rank {kor_rank} of {len(latest)}",
        )
    )
    previous = servitization.query(
        "industry_code == 'MFG' and service_group == 'business' and country_code == 'KOR' and year == 2010"
    )["input_share_total"]
    if previous.empty:
        claims.append(_claim("1", "Korea's business-services convergence is below its 2010 level", "no 2010 data",
                             NOT_TESTABLE, "the warehouse has no 2010 table"))
    else:
        before = float(previous.iloc[0])
        claims.append(
            _claim(
                "1", "Korea's business-services convergence is below its 2010 level",
                f"KOR business share 2010: {before:.4f}, {last}: {kor:.4f}",
                REPRODUCED if kor < before else NOT_REPRODUCED,
                f"{last} is below 2010" if kor < before else f"{last} is not below 2010",
                computed=f"{kor - before:+.4f}",
            )
        )
    return claims


def _estimates(specs: pd.DataFrame, results: pd.DataFrame, **where) -> pd.DataFrame:
    chosen = specs
    for column, value in where.items():
        chosen = chosen[chosen[column].isna()] if value is None else chosen[chosen[column] == value]
    return results.merge(chosen, on="spec_id")


def _interaction(est: pd.DataFrame, term: str) -> tuple[float, float]:
    row = est[est["term"] == term].iloc[0]
    return float(row["coef"]), float(row["p_value"])


def study_evidence(specs: pd.DataFrame, results: pd.DataFrame, panel_sd: dict[str, float]) -> dict[str, str]:
    """The study's own specifications (analytics.regression_results), in words, by curve claim key.

    They are evidence beside the curve's verdict, not the verdict: one hand-picked specification
    each. 'IT the most' compares one-standard-deviation effects (coefficients per unit of share
    are not comparable across groups whose shares differ tenfold).
    """
    f2 = _estimates(specs, results, finding="f2", conv_measure="direct", dependent="va_proxy",
                    sample="all_manufacturing", fixed_effects="country_industry+year")
    f2 = f2[f2["term"] == "conv"].set_index("service_group")
    effects = {g: float(f2.loc[g, "coef"]) * panel_sd[g] for g in f2.index}
    raised = "study's specification: " + "; ".join(
        f"{g}: β={f2.loc[g, 'coef']:.3f} (p={f2.loc[g, 'p_value']:.3f}), 1-sd effect {effects[g]:+.4f}" for g in sorted(f2.index)
    )
    evidence = {"f2_raised": raised, "f2_it_most": f"{raised}; largest 1-sd effect: {max(effects, key=effects.get)}"}
    for key, sample in (("f3_service_high_income", "high_income"), ("f3_manufacturing_oriented", "manufacturing_oriented")):
        est = _estimates(specs, results, finding="f3", service_group="kibs", conv_measure="direct", sample=sample)
        coef, p = _interaction(est, "conv_x_hightech")
        evidence[key] = f"study's specification: kibs, {sample}: Conv×HighTech β={coef:.3f} (p={p:.3f})"
    est = _estimates(specs, results, finding="f4", service_group=IT_PROXY, conv_measure="direct")
    base, p_base = _interaction(est, "conv")
    extra, p_extra = _interaction(est, "conv_x_hightech")
    evidence["f4_korea_taiwan"] = (f"study's specification: KOR+TWN, {IT_PROXY}: Conv β={base:.3f} (p={p_base:.3f}), "
                                   f"Conv×HighTech β={extra:.3f} (p={p_extra:.3f})")
    return evidence


def curve_claim(verdict: dict, evidence: str) -> dict:
    """A claim of findings 2-4 judged on its specification curve (analysis/specification_curve.py).

    robust -> reproduced; fragile or contradicted -> not reproduced; the curve's own word leads
    the reason, so that the ledger keeps one vocabulary for both studies.
    """
    counted = int(verdict["n_counted"])
    computed = (f"{verdict['n_supporting']} of {counted} specifications support, {verdict['n_contradicting']} "
                "contradict") if counted else ""
    left_out = (f"{verdict['n_mechanically_biased']} mechanically biased and {verdict['n_not_estimable']} not "
                "estimable specifications not counted")
    return _claim(str(verdict["finding"]), verdict["claim"],
                  f"{evidence}; {left_out}; the study's own specifications on the curve: {verdict['study_specifications']}",
                  CURVE_VERDICTS[verdict["verdict"]], verdict["reason"], computed=computed)


def finding_5() -> list[dict]:
    return [
        _claim("5", "Servitization business models differ by customer contact, technology, value-chain stage and "
               "combination type", "no firm- or business-model-level data in the warehouse",
               NOT_TESTABLE, "input-output tables describe industries, not business models")
    ]


def convergence_claims(servitization: pd.DataFrame, specs: pd.DataFrame, results: pd.DataFrame,
                       panel_sd: dict[str, float], curve_verdicts: pd.DataFrame) -> pd.DataFrame:
    """The ledger: finding 1 from the shares, findings 2-4 from their specification curves (in
    the order of specification_claims), finding 5 not testable."""
    evidence = study_evidence(specs, results, panel_sd)
    curve = [curve_claim(v, evidence[v["claim_key"]]) for v in curve_verdicts.to_dict("records")]
    rows = [*finding_1(servitization), *curve, *finding_5()]
    ledger = pd.DataFrame(rows)
    ledger.insert(0, "claim_id", [f"kiet2018_f{r['finding']}_{i + 1}" for i, r in enumerate(rows)])
    return ledger
