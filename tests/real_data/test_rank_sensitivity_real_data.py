"""The innovation ranks under every declared choice, on the real sources (conftest.real_warehouse).

Every number below is computed by the pipeline from the data mirror; the published ranks are
the study's, read from raw.kita2021_published_figures by the ledger, never written here as inputs.
"""

import pytest

from tests.helpers.warehouse import warehouse_connection

pytestmark = pytest.mark.real_data


@pytest.fixture
def con(real_warehouse):
    with warehouse_connection(real_warehouse.settings) as connection:
        yield connection


def ranks(con, component: str, population: str, countries: tuple[str, ...]) -> dict[tuple[str, int], tuple[int, int]]:
    rows = con.execute(
        "select country_iso3, reference_year, rank_in_population, population_n from marts.fct_innovation_rank_sensitivity "
        "where component = ? and population = ? and list_contains(?, country_iso3)",
        [component, population, list(countries)],
    ).fetchall()
    return {(country, year): (rank, n) for country, year, rank, n in rows}


def test_rd_ranks_of_germany_and_the_usa_differ_between_2017_and_2018(con):
    world = ranks(con, "rd_gdp_pct", "all_reporting", ("DEU", "USA", "KOR"))
    assert world[("DEU", 2017)] == (7, 146) and world[("DEU", 2018)] == (5, 147)
    assert world[("USA", 2017)] == (9, 146) and world[("USA", 2018)] == (8, 147)
    # Korea is 2nd in 2017 and 2018, 3rd of 148 in 2019.
    assert [world[("KOR", year)] for year in (2017, 2018, 2019)] == [(2, 146), (2, 147), (3, 148)]


def test_all_reporting_ranks_are_the_index_world_ranks(con):
    differing = con.execute(
        "select count(*) from marts.fct_innovation_rank_sensitivity as s "
        "join marts.fct_innovation_index_long as w using (country_iso3, reference_year, component) "
        "where s.population = 'all_reporting' and (s.rank_in_population <> w.world_rank or s.population_n <> w.world_n)"
    ).fetchone()[0]
    compared = con.execute(
        "select count(*) from marts.fct_innovation_rank_sensitivity where population = 'all_reporting'"
    ).fetchone()[0]
    assert differing == 0 and compared > 2000


def test_micro_economies_drop_out_under_the_size_floors(con):
    exports = {population: ranks(con, "hightech_export_share_pct", population, ("PLW", "STP", "KOR"))
               for population in ("all_reporting", "gdp_above_usd_10bn", "hightech_exports_above_usd_10bn")}
    # Among all 182 reporting economies, Palau and Sao Tome rank above Korea in 2018 ...
    assert exports["all_reporting"][("PLW", 2018)] == (4, 182)
    assert exports["all_reporting"][("STP", 2018)] == (6, 182)
    assert exports["all_reporting"][("KOR", 2018)] == (9, 182)
    # ... and under either size floor they are not ranked at all, in any year, and Korea moves up.
    for population in ("gdp_above_usd_10bn", "hightech_exports_above_usd_10bn"):
        assert not {country for country, _ in exports[population]} & {"PLW", "STP"}
    assert exports["gdp_above_usd_10bn"][("KOR", 2018)] == (7, 137)
    assert exports["hightech_exports_above_usd_10bn"][("KOR", 2018)] == (6, 30)
    floors = con.execute(
        "select population, min(size_value) from marts.fct_innovation_rank_sensitivity "
        "where size_indicator_code is not null group by all"
    ).fetchall()
    assert dict(floors).keys() == {"gdp_above_usd_10bn", "hightech_exports_above_usd_10bn"}
    assert all(low >= 1e10 for _, low in floors)


def test_the_ledger_says_under_which_choices_each_published_rank_is_reproduced(con):
    ledger = con.execute("select * from marts.claims_rank_sensitivity").df()
    claims = con.execute("select claim_id, computed_value, published_value from marts.claims_ledger "
                         "where test_method = 'world_rank'").df().set_index("claim_id")
    assert set(ledger["claim_id"]) == set(claims.index)
    assert (ledger.groupby("claim_id").size() == 15).all()  # 3 reference years x 5 populations
    # The ledger's own cell gives the claims ledger's rank.
    own = ledger[ledger["is_ledger_cell"]].set_index("claim_id")
    assert own["rank_in_population"].to_dict() == claims["computed_value"].astype(int).to_dict()
    assert own["published_rank"].to_dict() == claims["published_value"].to_dict()
    summary = ledger.drop_duplicates("claim_id").set_index("claim_id")
    # Korea's R&D rank (2nd) holds in every cell but 2019 among all reporting economies (3rd).
    assert summary.loc["rank_rd_gdp_kor", "n_cells_reproduced"] == 14
    # Korea's high-tech export rank (published 6th) is reproduced only among the economies
    # exporting more than USD 10 bn of high-tech goods (every year), and in the 2019 comparison set.
    assert summary.loc["rank_hitech_exports_kor", "reproduced_under"] == (
        "reproduced under: 2017 high-tech exports above USD 10 bn; 2018 high-tech exports above USD 10 bn; "
        "2019 high-tech exports above USD 10 bn; 2019 comparison set: all four components"
    )
    # Korea's high-tech patent share (published 3rd) is reproduced under no cell of either definition.
    for claim in ("rank_hitech_patents_kor__patstat", "rank_hitech_patents_kor__wipo"):
        assert summary.loc[claim, "reproduced_under"] == "reproduced under none"
        assert summary.loc[claim, "grid_verdict"] == "reproduced under none"
    verdicts = summary["grid_verdict"].to_dict()
    assert verdicts["rank_rd_gdp_kor"] == verdicts["rank_idi_kor"] == "reproduced under some choices"
