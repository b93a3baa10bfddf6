"""The value-added (proxy) marts on the real WIOD 2013 tables of the data mirror (../shared/data).

The foreign value-added share of final demand is computed by the pipeline from the tables (the
value-added proxy: gross output minus intermediate inputs); the published KITA figures are only
compared with, in the claims ledger.
"""

import pytest

from tests.helpers.warehouse import warehouse_connection

pytestmark = pytest.mark.real_data


@pytest.fixture
def warehouse(real_warehouse):
    with warehouse_connection(real_warehouse.settings) as con:
        yield con


def test_every_economy_and_year_has_its_indicators(warehouse):
    years, economies, rows = warehouse.execute(
        "select count(distinct year), count(distinct country_code), count(*) "
        "from marts.fct_value_added_proxy_indicators where classification = 'wiod2013'"
    ).fetchone()
    assert (years, economies, rows) == (17, 41, 17 * 41)
    origins = warehouse.execute(
        "select count(*) from marts.fct_value_added_proxy_final_demand where classification = 'wiod2013' and year = 2011"
    ).fetchone()[0]
    assert origins == 41 * 41 * 35


def test_foreign_value_added_share_of_final_demand_korea_and_usa_2011(warehouse):
    shares = dict(
        warehouse.execute(
            "select country_code, 100 * foreign_va_proxy_share_final_demand from marts.fct_value_added_proxy_indicators "
            "where classification = 'wiod2013' and year = 2011 and country_code in ('KOR', 'USA')"
        ).fetchall()
    )
    # Published (KITA): Korea 27.8%, United States 11.7%; the ledger judges them within 3 points.
    assert shares["KOR"] == pytest.approx(29.42, abs=0.01)
    assert shares["USA"] == pytest.approx(12.80, abs=0.01)


def test_value_added_in_final_demand_adds_up_to_final_demand(warehouse):
    """v'L = 1' with the proxy: each economy's final demand embodies exactly its own value, and so do
    its gross exports (an industry without output counts what it still sells as its value added)."""
    gaps = warehouse.execute(
        "select country_code, year, va_proxy_final_demand_usd_m, final_demand_usd_m, "
        "va_proxy_gross_exports_usd_m, gross_exports_usd_m from marts.fct_value_added_proxy_indicators"
    ).fetchall()
    assert len(gaps) == 17 * 41
    for country, year, va_final, final, va_exports, exports in gaps:
        assert va_final == pytest.approx(final, rel=1e-12), (country, year)
        assert va_exports == pytest.approx(exports, rel=1e-12, abs=1e-9), (country, year)
    total_va, total_final = warehouse.execute(
        "select sum(va_proxy_final_demand_usd_m), sum(final_demand_usd_m) from marts.fct_value_added_proxy_indicators"
    ).fetchone()
    assert total_va == pytest.approx(total_final, rel=1e-12)


def test_the_two_solves_agree_on_the_services_value_added_of_exports(warehouse):
    """Services value added in each economy's gross exports, 2011, two ways: from the forward solve
    (v ⊙ L e, by origin) and from the transposed one (S v̂ L per unit of each industry's output, times
    its exports). They come from one factorisation but different systems."""
    rows = warehouse.execute(
        """
        with services as (select industry_code from marts.dim_industry where classification = 'wiod2013' and broad_sector = 'services'),
        forward as (
            select country_code, sum(va_proxy_usd_m) as usd_m from marts.fct_value_added_proxy_exports
            where year = 2011 and origin_industry_code in (select industry_code from services) group by all
        ),
        exports as (
            select supplier_country_code as country_code, supplier_industry_code as industry_code, sum(value_usd_m) as usd_m
            from staging.stg_wiod__flows where year = 2011 and not is_domestic group by all
        ),
        transposed as (
            select m.country_code, sum(m.va_proxy_per_unit_output * e.usd_m) as usd_m
            from intermediate.value_added_proxy_multipliers m
            inner join exports e using (country_code, industry_code)
            where m.year = 2011 and m.origin_industry_code in (select industry_code from services) group by all
        )
        select country_code, forward.usd_m, transposed.usd_m from forward inner join transposed using (country_code)
        """
    ).fetchall()
    assert len(rows) == 41
    for country, forward, transposed in rows:
        assert forward == pytest.approx(transposed, rel=1e-9), country


def test_servicification_of_manufacturing_exports_uses_every_service_industry(warehouse):
    kor = warehouse.execute(
        "select i.services_va_proxy_share_manufacturing_exports, s.services_va_proxy_share "
        "from marts.fct_value_added_proxy_indicators i "
        "inner join marts.fct_services_value_added_proxy_in_manufacturing_exports s using (classification, country_code, year) "
        "where i.country_code = 'KOR' and i.year = 2011 and s.industry_code = 'MFG' and s.service_group = 'all_services'"
    ).fetchone()
    assert kor[0] == kor[1] and 0.15 < kor[0] < 0.40


def test_the_ledger_judges_the_2011_figures_and_leaves_later_years_untested(warehouse):
    ledger = warehouse.execute(
        "select * from marts.claims_ledger where claim_group = 'foreign_value_added'"
    ).df().set_index("claim_id")
    assert len(ledger) == 6
    for claim, published in (("fva_share_final_demand_kor_2011", 27.8), ("fva_share_final_demand_usa_2011", 11.7)):
        row = ledger.loc[claim]
        assert row["published_value"] == published and row["tolerance"] == 3
        assert row["difference"] == pytest.approx(row["computed_value"] - published)
        assert row["verdict"] == ("reproduced" if abs(row["difference"]) <= 3 else "differs")
        assert row["computed_from_release"] == "wiod2013"
        assert row["reason"].startswith(f"wiod2013 2011: foreign value added (proxy) embodied in the final demand of {claim[23:26].upper()}")
    assert ledger.loc["fva_share_final_demand_kor_2011", "computed_value"] == pytest.approx(29.42, abs=0.01)
    for claim in ("usa_2019", "jpn_2013", "jpn_2019", "kor_2019"):
        row = ledger.loc[f"fva_share_final_demand_{claim}"]
        assert row["verdict"] == "not testable with this data" and pd_isna(row["computed_value"])
        assert row["reason"].startswith("The input-output tables end in 2011 (WIOD 2013)")


def pd_isna(value) -> bool:
    import pandas as pd

    return bool(pd.isna(value))
