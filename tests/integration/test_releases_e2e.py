"""Every release through Dagster and dbt: WIOD 2016, OECD ICIO and WIOD 2013 in the same year
partition, each under its own classification, into the marts.

The tables are generated in the releases' official layouts (tests/helpers/wiod_sample.py; the WIOD
2016 tables with all 44 economies of the release, which the raw-table checks require, as
RData data frames: the xlsx layout is read cell for cell against them in
test_wiod2016_reader.py); every expected number is recomputed here with numpy.
"""

import dagster as dg
import numpy as np
import pytest

from dagster_project.cli.run import materialize_all
from dagster_project.definitions import build_defs
from dagster_project.settings import Settings
from tests.helpers.warehouse import run_io_years, warehouse_connection
from tests.helpers.wiod_sample import (
    WIOD2016_RELEASE_COUNTRIES,
    sample_icio,
    sample_wiod2016,
    sample_year,
    write_icio_csv,
    write_rdata,
    write_wiod2016_rdata,
)

WIOD2016_MANUFACTURING = ("C10-C12", "C13-C15", "C16", "C17", "C18", "C19", "C20", "C21", "C22", "C23", "C24",
                          "C25", "C26", "C27", "C28", "C29", "C30", "C31_C32", "C33")
ICIO_MANUFACTURING = ("D10T12", "D13T15", "D16", "D17T18", "D19", "D20", "D21", "D22", "D23", "D24", "D25",
                      "D26", "D27", "D28", "D29", "D30", "D31T33")
MEASURES = ("input_share_total", "input_share_domestic", "input_share_imported", "direct_coeff_total",
            "direct_coeff_domestic", "direct_coeff_imported", "leontief_total", "leontief_domestic")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("releases")
    settings = Settings(data_mirror=root / "mirror", raw_dir=root / "raw", warehouse_dir=root / "warehouse")
    samples = {
        ("wiod2016", 2010): sample_wiod2016(2010, WIOD2016_RELEASE_COUNTRIES, zero_share=0.9),
        ("wiod2016", 2011): sample_wiod2016(2011, WIOD2016_RELEASE_COUNTRIES, zero_share=0.9),
        ("oecd_icio", 2011): sample_icio(2011),
        ("wiod2013", 2011): sample_year(2011),
    }
    write_wiod2016_rdata(settings.raw_dir, samples["wiod2016", 2010])
    write_wiod2016_rdata(settings.raw_dir, samples["wiod2016", 2011])
    write_icio_csv(settings.raw_dir, samples["oecd_icio", 2011])
    write_rdata(settings.raw_dir, samples["wiod2013", 2011])
    defs = build_defs(settings)
    # Only the input-output domain: the raw folder holds no indicator sources.
    results = materialize_all(defs, dg.DagsterInstance.ephemeral(), report=lambda _: None, domains={"input_output"})
    assert all(r.success for r in results)
    checks = {
        evaluation.check_name: evaluation.passed
        for result in results
        for event in result.all_events
        if (evaluation := event.event_specific_data) and isinstance(evaluation, dg.AssetCheckEvaluation)
    }
    return settings, defs, samples, checks


def expected_mfg(sample, country: str, manufacturing: tuple[str, ...], group: tuple[str, ...]) -> dict[str, float]:
    """The mart's MFG row of one service group, straight from the generated matrices."""
    inter, output = sample.inter, sample.output
    cols = [sample.position(country, m) for m in manufacturing]
    group_rows = [sample.position(c, g) for c in sample.countries for g in group]
    domestic_rows = [sample.position(country, g) for g in group]
    inputs, gross = inter[:, cols].sum(), output[cols].sum()
    total, domestic = inter[np.ix_(group_rows, cols)].sum(), inter[np.ix_(domestic_rows, cols)].sum()
    a = inter / output
    leontief = np.linalg.inv(np.eye(len(output)) - a)
    n_ind, k = len(sample.industries), sample.countries.index(country)
    block = slice(k * n_ind, (k + 1) * n_ind)
    leontief_domestic = np.linalg.inv(np.eye(n_ind) - a[block, block])
    weights = output[cols] / gross
    group_idx = [sample.industries.index(g) for g in group]
    mfg_idx = [sample.industries.index(m) for m in manufacturing]
    return {
        "input_share_total": total / inputs,
        "input_share_domestic": domestic / inputs,
        "input_share_imported": (total - domestic) / inputs,
        "direct_coeff_total": total / gross,
        "direct_coeff_domestic": domestic / gross,
        "direct_coeff_imported": (total - domestic) / gross,
        "leontief_total": (leontief[np.ix_(group_rows, cols)].sum(axis=0) * weights).sum(),
        "leontief_domestic": (leontief_domestic[np.ix_(group_idx, mfg_idx)].sum(axis=0) * weights).sum(),
    }


def mart_row(settings, classification: str, country: str, year: int, industry: str, group: str) -> tuple:
    with warehouse_connection(settings) as con:
        return con.execute(
            f"select {', '.join(MEASURES)} from marts.fct_manufacturing_servitization "
            "where classification = ? and country_code = ? and year = ? and industry_code = ? and service_group = ?",
            [classification, country, year, industry, group],
        ).fetchone()


@pytest.mark.parametrize("year", [2010, 2011])
def test_wiod2016_it_services_in_korean_manufacturing_equal_numpy(built, year):
    settings, _, samples, _ = built
    expected = expected_mfg(samples["wiod2016", year], "KOR", WIOD2016_MANUFACTURING, ("J62_J63",))
    row = mart_row(settings, "wiod2016", "KOR", year, "MFG", "it")
    np.testing.assert_allclose(row, list(expected.values()), rtol=1e-10)


def test_wiod2016_groups_follow_the_seeds(built):
    settings, _, samples, _ = built
    sample = samples["wiod2016", 2011]
    kibs = ("J61", "J62_J63", "K64", "K65", "K66", "M69_M70", "M71", "M72", "M73", "M74_M75")
    expected = expected_mfg(sample, "CHE", WIOD2016_MANUFACTURING, kibs)
    np.testing.assert_allclose(mart_row(settings, "wiod2016", "CHE", 2011, "MFG", "kibs"), list(expected.values()), rtol=1e-10)
    one_industry = expected_mfg(sample, "CHE", ("C26",), ("J62_J63",))
    np.testing.assert_allclose(mart_row(settings, "wiod2016", "CHE", 2011, "C26", "it"), list(one_industry.values()), rtol=1e-10)


def test_oecd_icio_it_services_equal_numpy(built):
    settings, _, samples, _ = built
    expected = expected_mfg(samples["oecd_icio", 2011], "USA", ICIO_MANUFACTURING, ("D62T63",))
    np.testing.assert_allclose(mart_row(settings, "oecd_icio", "USA", 2011, "MFG", "it"), list(expected.values()), rtol=1e-10)


def test_every_release_of_a_year_lands_under_its_own_classification(built):
    settings, *_ = built
    with warehouse_connection(settings) as con:
        raw = con.execute(
            "select year, classification, count(*) from raw.wiod_gross_output group by all order by 1, 2"
        ).fetchall()
        multipliers = con.execute(
            "select distinct year, classification from intermediate.leontief_industry_multipliers order by 1, 2"
        ).fetchall()
        marts = dict(con.execute(
            "select classification, count(*) from marts.fct_manufacturing_servitization group by all"
        ).fetchall())
        groups = dict(con.execute(
            "select classification, list(distinct service_group order by service_group) "
            "from marts.fct_manufacturing_servitization group by all"
        ).fetchall())
    assert raw == [(2010, "wiod2016", 44 * 56), (2011, "oecd_icio", 3 * 45), (2011, "wiod2013", 41 * 35),
                   (2011, "wiod2016", 44 * 56)]
    assert multipliers == [(2010, "wiod2016"), (2011, "oecd_icio"), (2011, "wiod2013"), (2011, "wiod2016")]
    # years x economies x (manufacturing industries + MFG) x service groups
    assert marts == {"wiod2016": 2 * 44 * 20 * 7, "oecd_icio": 1 * 3 * 18 * 7, "wiod2013": 1 * 41 * 15 * 6}
    assert "it" in groups["wiod2016"] and "it" in groups["oecd_icio"] and "it" not in groups["wiod2013"]


def test_dbt_tests_pass_on_every_release_including_the_row_balance(built):
    *_, checks = built
    assert checks["io_row_balance_fct_country_industry_year"] is True
    assert all(checks.values()), sorted(name for name, passed in checks.items() if not passed)


def test_technology_levels_of_the_new_classifications_reach_dim_industry(built):
    settings, *_ = built
    with warehouse_connection(settings) as con:
        levels = dict(con.execute(
            "select classification || ' ' || industry_code, technology_level from marts.dim_industry "
            "where is_manufacturing and classification in ('wiod2016', 'oecd_icio')"
        ).fetchall())
    assert len(levels) == 19 + 17 and None not in levels.values()
    assert levels["wiod2016 C21"] == levels["wiod2016 C26"] == levels["oecd_icio D21"] == "high"
    assert levels["wiod2016 C30"] == levels["oecd_icio D29"] == "medium_high"
    assert levels["wiod2016 C22"] == levels["oecd_icio D31T33"] == "medium_low"
    assert levels["wiod2016 C10-C12"] == levels["oecd_icio D25"] == "low"


def test_a_release_removed_from_the_raw_folder_leaves_the_year(built):
    """Runs last: it changes the warehouse the tests above read."""
    settings, defs, *_ = built
    (settings.raw_dir / "oecd_icio" / "ICIO2021_2011.csv").unlink()
    result = run_io_years(defs, ["2011"])
    assert result.success
    with warehouse_connection(settings) as con:
        for table in ("raw.wiod_flows", "raw.wiod_gross_output", "intermediate.leontief_industry_multipliers"):
            left = con.execute(f"select distinct classification from {table} where year = 2011 order by 1").fetchall()
            assert left == [("wiod2013",), ("wiod2016",)], table
