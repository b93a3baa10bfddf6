"""Acceptance of the innovation marts on the real sources of the data mirror (../shared/data).

Every figure below is computed by the pipeline from the source files; none is looked up.
"""

import pandas as pd
import pytest

from tests.helpers.warehouse import warehouse_connection

pytestmark = pytest.mark.real_data


@pytest.fixture
def warehouse(real_warehouse):
    """The session's warehouse built from the real data mirror (conftest.real_warehouse), read-only
    and closed after each test so that no handle outlives it."""
    with warehouse_connection(real_warehouse.settings) as con:
        yield con, real_warehouse.checks


def index_row(con, country: str, reference_year: int) -> pd.Series:
    return con.execute(
        "select * from marts.fct_innovation_index where country_iso3 = ? and reference_year = ?", [country, reference_year]
    ).df().iloc[0]


def test_korea_rd_gdp_2018_is_second_behind_israel(warehouse):
    con, _ = warehouse
    kor, isr = index_row(con, "KOR", 2018), index_row(con, "ISR", 2018)
    assert kor["rd_gdp_pct"] == pytest.approx(4.516, abs=5e-4) and kor["rd_gdp_pct_year"] == 2018
    assert kor["rd_gdp_pct_rank"] == 2 and kor["rd_gdp_pct_world_rank"] == 2
    assert isr["rd_gdp_pct"] == pytest.approx(4.915, abs=5e-4)
    assert isr["rd_gdp_pct_rank"] == 1 and isr["rd_gdp_pct_world_rank"] == 1
    assert kor["in_comparison_set"] and isr["in_comparison_set"]


def test_korea_ict_development_index_2017_is_second(warehouse):
    con, _ = warehouse
    for reference_year in (2017, 2018):
        kor = index_row(con, "KOR", reference_year)
        assert kor["ict_idi"] == 8.85 and kor["ict_idi_year"] == 2017
        assert kor["ict_idi_rank"] == 2 and kor["ict_idi_world_rank"] == 2
    assert index_row(con, "ISL", 2017)["ict_idi_world_rank"] == 1


def test_the_ledger_states_the_high_tech_export_rank_the_data_give(warehouse):
    con, _ = warehouse
    claim = con.execute("select * from marts.claims_ledger where claim_id = 'rank_hitech_exports_kor'").df().iloc[0]
    assert (claim["published_value"], claim["computed_value"], claim["verdict"]) == (6, 9, "differs")
    assert claim["reason"].startswith("KOR hightech_export_share_pct = 36.391 (2018) ranks 9 of 182 economies")
    assert "lower than the published 6" in claim["reason"] and "vintage" in claim["reason"]
    kor = index_row(con, "KOR", 2018)
    assert kor["hightech_export_share_pct_world_rank"] == 9 and kor["hightech_export_share_pct_world_n"] == 182


def test_the_reproduced_and_untestable_claims(warehouse):
    con, _ = warehouse
    ledger = con.execute("select * from marts.claims_ledger").df().set_index("claim_id")
    assert ledger.loc["rank_rd_gdp_kor", "verdict"] == "reproduced"
    assert ledger.loc["rank_idi_kor", "verdict"] == "reproduced"
    for country in ("usa", "deu", "jpn"):
        reason = ledger.loc[f"int_exp_growth_{country}", "reason"]
        assert ledger.loc[f"int_exp_growth_{country}", "verdict"] == "not testable with this data"
        assert reason.startswith("wiod2013 covers 1995-2011: the period 2011-2019 is not covered")
    assert (ledger.loc[ledger["claim_group"] == "reshoring", "verdict"] == "not testable with this data").all()
    published = con.execute("select count(*) from raw.kita2021_published_figures").fetchone()[0]
    assert ledger["figure_id"].nunique() == published == 40


def test_intermediate_exports_end_in_2011(warehouse):
    con, _ = warehouse
    years, last, exporters = con.execute(
        "select count(distinct year), max(release_last_year), count(distinct exporter_country_code) "
        "from marts.fct_intermediate_exports where classification = 'wiod2013'"
    ).fetchone()
    assert (years, last, exporters) == (17, 2011, 40)


def test_korea_income_group_by_data_year(warehouse):
    con, _ = warehouse
    groups = dict(
        con.execute(
            "select year, income_group_code from staging.stg_wb__income_group_history where country_iso3 = 'KOR'"
        ).fetchall()
    )
    # FY97-FY99 high income (GNI of 1995-1997), FY00-FY02 upper middle (1998-2000), high from FY03 (2001).
    assert [groups[y] for y in (1994, 1995, 1997, 1998, 2000, 2001, 2021)] == ["UM", "H", "H", "UM", "UM", "H", "H"]


def test_table_6234_is_converted_from_billions(warehouse):
    con, _ = warehouse
    world_2002 = con.execute(
        "select value_usd_m from staging.stg_ncses__kti_trade_select_countries "
        "where flow = 'exports' and region = 'World' and year = 2002"
    ).fetchone()[0]
    assert world_2002 == pytest.approx(2_560_600)


def test_the_innovation_dbt_tests_ran_and_passed(warehouse):
    _, checks = warehouse
    # Every check of the run (dbt tests of all domains, the raw tables' checks) has passed,
    # and the innovation models' tests are among them.
    assert any("innovation" in name or "claims_ledger" in name for name in checks), sorted(checks)
    assert [name for name, passed in checks.items() if not passed] == []
