"""Verdict rules of the convergence claims ledger, on small tables built by hand."""

import pandas as pd

from dagster_project.analysis import claims


def servitization(rows):
    """rows: (country, year, group, share) for MFG; inputs fixed at 100 so pooled shares are exact."""
    return pd.DataFrame(
        [
            {
                "country_code": c, "year": y, "industry_code": "MFG", "service_group": g,
                "input_share_total": s, "service_inputs_usd_m": 100 * s * weight, "intermediate_inputs_usd_m": 100 * weight,
            }
            for c, y, g, s, weight in rows
        ]
    )


def test_worldwide_rise_is_judged_by_economies_not_by_the_pooled_share():
    # Two of three economies rise; the big one falls and drags the pooled share down.
    table = servitization(
        [
            ("AAA", 1995, "business", 0.10, 1), ("AAA", 2011, "business", 0.12, 1),
            ("BBB", 1995, "business", 0.10, 1), ("BBB", 2011, "business", 0.11, 1),
            ("CCC", 1995, "business", 0.10, 10), ("CCC", 2011, "business", 0.05, 10),
            ("KOR", 1995, "business", 0.05, 1), ("KOR", 2010, "business", 0.06, 1), ("KOR", 2011, "business", 0.07, 1),
            *((c, y, "telecom", 0.01, 1) for c in ("AAA", "BBB", "CCC", "KOR") for y in (1995, 2011)),
        ]
    )
    assert claims.world_share(table, "business", 2011) < claims.world_share(table, "business", 1995)
    ledger = {c["claim"]: c for c in claims.finding_1(table)}
    business = ledger["Convergence of manufacturing with business services strengthened worldwide"]
    assert business["verdict"] == claims.REPRODUCED  # AAA, BBB and KOR rose: 3 of 4
    assert "rose in 3 of 4 economies" in business["evidence"]
    telecom = ledger["Convergence of manufacturing with IT (post and telecom) services strengthened worldwide"]
    assert telecom["verdict"] == claims.NOT_REPRODUCED  # flat everywhere
    low = ledger["Korea's manufacturing-business-services convergence is low"]
    assert low["verdict"] == claims.REPRODUCED and low["computed_value"] == "rank 3 of 4"
    below = ledger["Korea's business-services convergence is below its 2010 level"]
    assert below["verdict"] == claims.NOT_REPRODUCED  # 0.07 in 2011 > 0.06 in 2010


def estimates(rows):
    specs = pd.DataFrame([r[0] for r in rows]).drop_duplicates("spec_id")
    results = pd.DataFrame([{"spec_id": r[0]["spec_id"], **r[1]} for r in rows])
    return specs, results


def spec(finding, group, sample, spec_id=None, group_definition=None):
    return {
        "spec_id": spec_id or f"{finding}_{group}_{sample}", "finding": finding, "service_group": group,
        "conv_measure": "direct", "dependent": "va_proxy", "sample": sample, "fixed_effects": "country_industry+year",
        "group_definition": group_definition,
    }


def study_estimates():
    """The study's specifications of findings 2-4 as analytics.regression_results holds them."""
    return estimates(
        [
            (spec("f2", "telecom", "all_manufacturing"), {"term": "conv", "coef": 4.0, "p_value": 0.01}),
            (spec("f2", "business", "all_manufacturing"), {"term": "conv", "coef": 1.0, "p_value": 0.2}),
            (spec("f3", "kibs", "high_income"), {"term": "conv", "coef": 0.5, "p_value": 0.5}),
            (spec("f3", "kibs", "high_income"), {"term": "conv_x_hightech", "coef": 1.25, "p_value": 0.04}),
            (spec("f3", "kibs", "manufacturing_oriented"), {"term": "conv", "coef": 0.5, "p_value": 0.5}),
            (spec("f3", "kibs", "manufacturing_oriented"), {"term": "conv_x_hightech", "coef": -2.0, "p_value": 0.3}),
            (spec("f4", "telecom", "korea_taiwan"), {"term": "conv", "coef": -1.0, "p_value": 0.6}),
            (spec("f4", "telecom", "korea_taiwan"), {"term": "conv_x_hightech", "coef": 3.0, "p_value": 0.01}),
        ]
    )


def test_study_evidence_compares_one_standard_deviation_effects():
    # Telecom has the larger coefficient but the smaller spread: business moves production more.
    specs, results = study_estimates()
    evidence = claims.study_evidence(specs, results, {"telecom": 0.01, "business": 0.1})
    assert evidence["f2_raised"] == ("study's specification: business: β=1.000 (p=0.200), 1-sd effect +0.1000; "
                                     "telecom: β=4.000 (p=0.010), 1-sd effect +0.0400")
    assert evidence["f2_it_most"].endswith("; largest 1-sd effect: business")
    assert claims.study_evidence(specs, results, {"telecom": 0.05, "business": 0.1})["f2_it_most"].endswith(
        "largest 1-sd effect: telecom")  # 4.0 x 0.05 > 1.0 x 0.1
    assert evidence["f3_manufacturing_oriented"] == (
        "study's specification: kibs, manufacturing_oriented: Conv×HighTech β=-2.000 (p=0.300)")
    assert evidence["f4_korea_taiwan"] == ("study's specification: KOR+TWN, telecom: Conv β=-1.000 (p=0.600), "
                                           "Conv×HighTech β=3.000 (p=0.010)")


def curve_verdict(claim_key, finding, verdict, supporting, contradicting, inconclusive, biased=6):
    counted = supporting + contradicting + inconclusive
    return {
        "claim_key": claim_key, "claim_number": 0, "finding": finding, "claim": f"claim {claim_key}",
        "n_counted": counted, "n_supporting": supporting, "n_contradicting": contradicting,
        "n_inconclusive": inconclusive, "n_mechanically_biased": biased, "n_not_estimable": 1,
        "share_supporting": supporting / counted if counted else float("nan"),
        "share_contradicting": contradicting / counted if counted else float("nan"),
        "study_specifications": "excluded: mechanically biased: 1", "verdict": verdict, "reason": f"{verdict}: why",
    }


def test_curve_verdicts_map_onto_the_ledger_words_and_keep_the_curves_reason():
    robust = claims.curve_claim(curve_verdict("f2_raised", "2", "robust", 8, 0, 2), "study's specification: x")
    assert robust["verdict"] == claims.REPRODUCED
    assert robust["computed_value"] == "8 of 10 specifications support, 0 contradict"
    assert robust["reason"] == "robust: why"
    assert robust["evidence"] == ("study's specification: x; 6 mechanically biased and 1 not estimable specifications "
                                  "not counted; the study's own specifications on the curve: excluded: mechanically biased: 1")
    for word in ("fragile", "contradicted"):
        assert claims.curve_claim(curve_verdict("f2_raised", "2", word, 1, 5, 4), "")["verdict"] == claims.NOT_REPRODUCED
    untestable = claims.curve_claim(curve_verdict("f2_raised", "2", "not testable", 0, 0, 0), "")
    assert untestable["verdict"] == claims.NOT_TESTABLE and untestable["computed_value"] == ""


def test_ledger_keeps_the_order_and_numbers_of_the_findings():
    specs, results = study_estimates()
    servitization_rows = servitization(
        [(c, y, g, 0.1, 1) for c in ("AAA", "KOR") for y in (1995, 2010, 2011) for g in ("business", "telecom")]
    )
    keys = [("f2_raised", "2"), ("f2_it_most", "2"), ("f3_service_high_income", "3"),
            ("f3_manufacturing_oriented", "3"), ("f4_korea_taiwan", "4")]
    verdicts = pd.DataFrame([curve_verdict(k, f, "fragile", 1, 1, 1) for k, f in keys])
    ledger = claims.convergence_claims(servitization_rows, specs, results, {"telecom": 0.01, "business": 0.1}, verdicts)
    # The ids of the ledger before the curves: finding 1's four claims, then 2-4 in the seed's order.
    assert list(ledger["claim_id"]) == [
        "kiet2018_f1_1", "kiet2018_f1_2", "kiet2018_f1_3", "kiet2018_f1_4", "kiet2018_f2_5", "kiet2018_f2_6",
        "kiet2018_f3_7", "kiet2018_f3_8", "kiet2018_f4_9", "kiet2018_f5_10"]
    assert list(ledger["claim"][4:9]) == [f"claim {k}" for k, _ in keys]


def test_business_models_are_not_testable_with_input_output_tables():
    (claim,) = claims.finding_5()
    assert claim["verdict"] == claims.NOT_TESTABLE
