"""The whole pipeline, Dagster and dbt, on tables generated in the release layout (tests/helpers/pipeline_sample.py)."""

import dagster as dg
import numpy as np
import pytest

from dagster_project.definitions import build_defs
from tests.helpers.pipeline_sample import YEARS
from tests.helpers.warehouse import run_io_years, table_checksums, warehouse_connection
from tests.helpers.wiod_sample import COUNTRIES, INDUSTRIES, sample_year

MANUFACTURING = [f"c{i}" for i in range(3, 17)]
BUSINESS = "c30"


@pytest.fixture(scope="module")
def built(sample_pipeline):
    """The session's good sample run (conftest.sample_pipeline): this worker's copy, and the generated years."""
    settings = sample_pipeline.settings
    return settings, build_defs(settings), {y: sample_year(y) for y in YEARS}


def position(country: str, industry: str) -> int:
    return COUNTRIES.index(country) * len(INDUSTRIES) + INDUSTRIES.index(industry)


def test_marts_equal_an_independent_numpy_computation(built):
    settings, _, samples = built
    sample = samples[2010]
    inter, output = sample.inter.astype(float), sample.output.astype(float)
    cols = [position("KOR", m) for m in MANUFACTURING]
    business_rows = [position(c, BUSINESS) for c in COUNTRIES]
    kor_business_row = position("KOR", BUSINESS)

    leontief = np.linalg.inv(np.eye(len(output)) - inter / output)
    kor = slice(position("KOR", INDUSTRIES[0]), position("KOR", INDUSTRIES[-1]) + 1)
    domestic = np.linalg.inv(np.eye(len(INDUSTRIES)) - (inter / output)[kor, kor])
    weights = output[cols] / output[cols].sum()
    expected = {
        "input_share_total": inter[np.ix_(business_rows, cols)].sum() / inter[:, cols].sum(),
        "input_share_domestic": inter[kor_business_row, cols].sum() / inter[:, cols].sum(),
        "direct_coeff_imported": (inter[np.ix_(business_rows, cols)].sum() - inter[kor_business_row, cols].sum())
        / output[cols].sum(),
        "leontief_total": (leontief[np.ix_(business_rows, cols)].sum(axis=0) * weights).sum(),
        "leontief_domestic": (domestic[INDUSTRIES.index(BUSINESS), [INDUSTRIES.index(m) for m in MANUFACTURING]] * weights).sum(),
    }
    with warehouse_connection(settings) as con:
        row = con.execute(
            f"select {', '.join(expected)} from marts.fct_manufacturing_servitization "
            "where country_code = 'KOR' and year = 2010 and industry_code = 'MFG' and service_group = 'business'"
        ).fetchone()
        counts = con.execute(
            "select count(*), count(distinct service_group) from marts.fct_manufacturing_servitization"
        ).fetchone()
    np.testing.assert_allclose(row, list(expected.values()), rtol=1e-10)
    # 3 years x 41 economies x (14 industries + MFG) x 6 service groups
    assert counts == (len(YEARS) * 41 * 15 * 6, 6)


def test_country_industry_facts_carry_output_and_the_value_added_proxy(built):
    settings, _, samples = built
    sample = samples[2009]
    k = position("USA", "c14")
    with warehouse_connection(settings) as con:
        gross, inputs, proxy = con.execute(
            "select gross_output_usd_m, intermediate_inputs_usd_m, value_added_proxy_usd_m "
            "from marts.fct_country_industry_year where country_code = 'USA' and year = 2009 and industry_code = 'c14'"
        ).fetchone()
    assert gross == sample.output[k]
    assert inputs == sample.inter[:, k].sum()
    assert proxy == sample.output[k] - sample.inter[:, k].sum()


def test_each_year_partition_records_its_own_row_count_and_preview(built):
    """A run of two years materializes each year partition with that year's rows only."""
    settings, defs, _ = built
    result = run_io_years(defs, ["2009", "2010"])
    flows = {
        m.partition: m.metadata
        for m in result.asset_materializations_for_node("wiod_tables")
        if m.asset_key == dg.AssetKey(["raw", "wiod_flows"])
    }
    assert sorted(flows) == ["2009", "2010"]
    with warehouse_connection(settings) as con:
        for year, metadata in flows.items():
            expected = con.execute("select count(*) from raw.wiod_flows where year = ?", [int(year)]).fetchone()[0]
            assert metadata["dagster/row_count"].value == expected > 0
            header, _, *rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in
                                metadata["preview"].value.splitlines()]
            assert "row_country" in header
            assert {row[header.index("year")] for row in rows} == {year}
            assert metadata["releases"].value == "wiod2013"
            assert metadata["years_of_run"].value == [2009, 2010]


def test_a_corrupt_year_fails_with_the_file_name_and_leaves_the_warehouse_unchanged(built):
    settings, defs, _ = built
    before = table_checksums(settings)
    path = settings.raw_dir / "wiod2013" / "rdata" / "wiot_2010.RData"
    good = path.read_bytes()
    path.write_bytes(good[:1000])
    try:
        result = run_io_years(defs, ["2009", "2010"])
    finally:
        path.write_bytes(good)
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert f"{path}: not a readable RData file" in str(failure.step_failure_data.error)
    assert table_checksums(settings) == before


def test_the_code_location_lists_assets_by_warehouse_table_and_group(built):
    _, defs, _ = built
    groups = {
        key.to_user_string(): spec.group_name
        for key, spec in ((s.key, s) for s in defs.resolve_all_asset_specs())
    }
    assert groups["raw/wiod_flows"] == "ingest"
    assert groups["raw/wiod_gross_output"] == "ingest"
    assert groups["intermediate/leontief_industry_multipliers"] == "intermediate"
    assert groups["staging/stg_wiod__flows"] == "staging"
    assert groups["intermediate/int_industry_inputs_by_supplier"] == "intermediate"
    assert groups["marts/fct_manufacturing_servitization"] == "marts"
    assert groups["seeds/service_groups"] == "classifications"
    lineage = defs.resolve_asset_graph()
    parents = lineage.get(dg.AssetKey(["marts", "fct_manufacturing_servitization"])).parent_keys
    assert dg.AssetKey(["intermediate", "leontief_industry_multipliers"]) in parents
