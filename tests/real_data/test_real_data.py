"""Acceptance on the real WIOD 2013 release in the data mirror (../shared/data)."""

import pytest

from tests.helpers.warehouse import warehouse_connection

pytestmark = pytest.mark.real_data


@pytest.fixture(scope="module")
def warehouse(real_warehouse):
    with warehouse_connection(real_warehouse.settings) as con:
        yield con, real_warehouse.checks


def mfg_share(con, country: str, year: int, group: str) -> float:
    return con.execute(
        "select input_share_total from marts.fct_manufacturing_servitization "
        "where country_code = ? and year = ? and industry_code = 'MFG' and service_group = ?",
        [country, year, group],
    ).fetchone()[0]


def test_every_year_and_economy_of_the_release_is_in_the_marts(warehouse):
    con, _ = warehouse
    years, countries, rows = con.execute(
        "select count(distinct year), count(distinct country_code), count(*) from marts.fct_country_industry_year"
    ).fetchone()
    assert (years, countries, rows) == (17, 41, 17 * 41 * 35)


def test_korea_service_input_share_of_manufacturing(warehouse):
    con, _ = warehouse
    assert mfg_share(con, "KOR", 2011, "all_services") == pytest.approx(0.1333, abs=5e-4)
    assert mfg_share(con, "KOR", 2010, "all_services") == pytest.approx(0.1378, abs=5e-4)


def test_peer_service_input_shares_2011(warehouse):
    con, _ = warehouse
    assert mfg_share(con, "USA", 2011, "all_services") == pytest.approx(0.2942, abs=5e-4)
    assert mfg_share(con, "DEU", 2011, "all_services") == pytest.approx(0.3421, abs=5e-4)


def test_korea_business_services_share_fell_from_2010_to_2011(warehouse):
    con, _ = warehouse
    assert mfg_share(con, "KOR", 2011, "business") < mfg_share(con, "KOR", 2010, "business")


def test_domestic_and_imported_shares_add_up_and_leontief_exceeds_direct(warehouse):
    con, _ = warehouse
    worst_split, direct_above_leontief = con.execute(
        """
        select
            max(abs(input_share_domestic + input_share_imported - input_share_total)),
            count(*) filter (where direct_coeff_total > leontief_total + 1e-12)
        from marts.fct_manufacturing_servitization
        """
    ).fetchone()
    assert worst_split < 1e-12
    # Direct requirements are the first round of the Leontief series, so never exceed it.
    assert direct_above_leontief == 0


def test_korea_gross_output_2011_matches_the_release(warehouse):
    con, _ = warehouse
    total = con.execute(
        "select sum(gross_output_usd_m) from marts.fct_country_industry_year where country_code = 'KOR' and year = 2011"
    ).fetchone()[0]
    assert total == 2_877_350


def test_accounting_identity_dbt_test_ran_and_passed(warehouse):
    _, checks = warehouse
    assert checks.get("io_row_balance_fct_country_industry_year") is True, sorted(checks)
