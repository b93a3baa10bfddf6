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


def f2_spec(group):
    return {
        "spec_id": f"f2_{group}", "finding": "f2", "service_group": group, "conv_measure": "direct",
        "dependent": "va_proxy", "sample": "all_manufacturing", "fixed_effects": "country_industry+year",
        "group_definition": None,
    }


def test_it_the_most_compares_one_standard_deviation_effects():
    # Telecom has the larger coefficient but the smaller spread: business moves production more.
    specs, results = estimates(
        [
            (f2_spec("telecom"), {"term": "conv", "coef": 4.0, "p_value": 0.01}),
            (f2_spec("business"), {"term": "conv", "coef": 1.0, "p_value": 0.01}),
        ]
    )
    raised, it_most = claims.finding_2(specs, results, {"telecom": 0.01, "business": 0.1})
    assert raised["verdict"] == claims.REPRODUCED
    assert it_most["verdict"] == claims.NOT_REPRODUCED and it_most["computed_value"] == "business"
    _, it_most = claims.finding_2(specs, results, {"telecom": 0.05, "business": 0.1})
    assert it_most["verdict"] == claims.REPRODUCED  # 4.0 * 0.05 > 1.0 * 0.1


def test_insignificant_effects_do_not_reproduce_a_claim():
    specs, results = estimates(
        [
            (f2_spec("telecom"), {"term": "conv", "coef": 4.0, "p_value": 0.30}),
            (f2_spec("business"), {"term": "conv", "coef": 1.0, "p_value": 0.01}),
        ]
    )
    raised, it_most = claims.finding_2(specs, results, {"telecom": 1.0, "business": 1.0})
    assert raised["verdict"] == claims.NOT_REPRODUCED and raised["computed_value"] == "business"
    assert it_most["verdict"] == claims.NOT_REPRODUCED


def test_business_models_are_not_testable_with_input_output_tables():
    (claim,) = claims.finding_5()
    assert claim["verdict"] == claims.NOT_TESTABLE
