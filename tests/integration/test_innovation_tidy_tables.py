"""The analysts' tidy surfaces: the long innovation index and the ledger of both studies.

Built by the session's good sample run (conftest.sample_pipeline: generated WIOD years beside
the mirror's real indicator files, so the innovation marts are the real ones). The long table
is compared, cell by cell in Python, with the wide mart it is unpivoted from; the unified
ledger with the two ledgers it unions.

marts.claims_ledger_all is the dbt domain `ledgers` (dbt/models/marts/ledgers/_ledgers.yml
says why it cannot be a model of the other domains); Dagster builds it once `ledgers` is in
DBT_STEPS, so here `dbt build --select tag:ledgers` builds it, with its tests, on a copy of
the sample run's warehouse.
"""

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from tests.helpers.warehouse import copy_lake, warehouse_connection

MEASURES = {  # column of marts.fct_innovation_index_long -> suffix of the wide mart's column
    "value": "",
    "value_year": "_year",
    "comparison_set_rank": "_rank",
    "minmax_score": "_minmax",
    "z_score": "_zscore",
    "world_rank": "_world_rank",
    "world_n": "_world_n",
}
ROW_COLUMNS = ["country_name", "comparison_set", "in_comparison_set", "comparison_set_size"]
COMMON_VERDICTS = {"reproduced", "not reproduced", "not testable"}


@pytest.fixture(scope="module")
def warehouse(sample_pipeline):
    with warehouse_connection(sample_pipeline.settings) as con:
        yield con


@pytest.fixture(scope="module")
def ledgers_built(sample_pipeline, tmp_path_factory):
    """A copy of the sample warehouse with `dbt build --select tag:ledgers` run on it (tests included)."""
    from dagster_project.settings import DBT_PROJECT_DIR

    root = tmp_path_factory.mktemp("ledgers")
    copied = copy_lake(sample_pipeline.settings, root / "warehouse")
    built = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "build", "--select", "tag:ledgers", "--profiles-dir", ".",
         "--target-path", str(root / "target"), "--log-path", str(root / "logs")],
        cwd=DBT_PROJECT_DIR, env={**os.environ, **copied.lake.environment()}, capture_output=True, text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stdout[-4000:]
    assert "ERROR=0" in built.stdout and "PASS=" in built.stdout
    with warehouse_connection(copied) as con:
        yield con


def records(con, sql: str) -> list[dict]:
    """Rows as dicts of Python values (NULL is None), so that equality is exact."""
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def test_the_long_index_holds_every_cell_of_the_wide_one(warehouse):
    components = warehouse.execute("select component, unit from seeds.innovation_components").fetchall()
    wide = records(warehouse, "select * from marts.fct_innovation_index")
    long = records(warehouse, "select * from marts.fct_innovation_index_long")
    assert len(components) == 5 and len(wide) > 100
    long_rows = {(r["country_iso3"], r["reference_year"], r["component"]): r for r in long}
    assert len(long_rows) == len(long), "the key (country_iso3, reference_year, component) repeats"

    expected_keys = set()
    for row in wide:
        for component, unit in components:
            if row[component] is None:
                continue  # not reported: no row in the long table
            key = (row["country_iso3"], row["reference_year"], component)
            expected_keys.add(key)
            got = long_rows.get(key)
            assert got is not None, f"{key} is in the wide index but not in the long one"
            for measure, suffix in MEASURES.items():
                assert got[measure] == row[component + suffix], (key, measure)
            for column in ROW_COLUMNS:
                assert got[column] == row[column], (key, column)
            assert got["unit"] == unit
            assert got["unit_type"] == ("index 0-10" if component == "ict_idi" else "percent")
    assert set(long_rows) == expected_keys, "the long index has rows the wide one does not report"
    assert {k[2] for k in expected_keys} == {c for c, _ in components}


def test_the_long_index_speaks_for_itself_on_korea_2018(warehouse):
    kor = warehouse.execute(
        "select component, value, unit, unit_type, world_rank, world_n from marts.fct_innovation_index_long "
        "where country_iso3 = 'KOR' and reference_year = 2018"
    ).df().set_index("component")
    assert kor.loc["rd_gdp_pct", "unit"] == "percent of GDP" and kor.loc["rd_gdp_pct", "unit_type"] == "percent"
    assert kor.loc["rd_gdp_pct", "value"] == pytest.approx(4.516, abs=5e-4) and kor.loc["rd_gdp_pct", "world_rank"] == 2
    assert kor.loc["ict_idi", "value"] == 8.85 and kor.loc["ict_idi", "unit_type"] == "index 0-10"
    assert (kor.loc["hightech_export_share_pct", "world_rank"], kor.loc["hightech_export_share_pct", "world_n"]) == (9, 182)


def test_the_ledger_of_both_studies_has_every_claim_once_in_one_vocabulary(ledgers_built):
    warehouse = ledgers_built
    python = warehouse.execute("select claim_id, verdict, reason from analytics.convergence_claims_ledger").df()
    dbt = warehouse.execute("select claim_id, verdict, reason from marts.claims_ledger").df()
    both = warehouse.execute("select * from marts.claims_ledger_all").df()
    assert len(python) >= 10 and len(dbt) >= 40
    assert both["claim_id"].is_unique
    assert sorted(both["claim_id"]) == sorted([*python["claim_id"], *dbt["claim_id"]])
    assert set(both["verdict"]) <= COMMON_VERDICTS and both["verdict"].notna().all()

    mapping = {
        ("analytics.convergence_claims_ledger", "reproduced"): "reproduced",
        ("analytics.convergence_claims_ledger", "not reproduced"): "not reproduced",
        ("analytics.convergence_claims_ledger", "not testable with this data"): "not testable",
        ("marts.claims_ledger", "reproduced"): "reproduced",
        ("marts.claims_ledger", "differs"): "not reproduced",
        ("marts.claims_ledger", "not testable with this data"): "not testable",
    }
    merged = both.merge(
        pd.concat([python.assign(ledger="analytics.convergence_claims_ledger", study="kiet2018"),
                   dbt.assign(ledger="marts.claims_ledger", study="kita2021")]),
        on="claim_id", suffixes=("", "_source"),
    )
    assert len(merged) == len(both)
    assert (merged["ledger"] == merged["ledger_source"]).all() and (merged["study"] == merged["study_source"]).all()
    assert (merged["source_verdict"] == merged["verdict_source"]).all()
    assert (merged["reason"] == merged["reason_source"]).all()
    for row in merged.itertuples():
        assert mapping[(row.ledger, row.source_verdict)] == row.verdict, row.claim_id
    # Both studies' verdict words occur, so the mapping is exercised on real ledgers.
    assert "not testable" in set(both.loc[both["study"] == "kiet2018", "verdict"])
    assert "differs" in set(both["source_verdict"])


def test_the_unified_ledger_is_a_step_after_the_python_ledger_without_splitting_dbt_steps():
    """The dbt source `analytics` resolves to the Python asset (lineage, not a second table), and
    with the `ledgers` domain as a Dagster step of its own the refresh has one step per dbt
    domain: no dbt model of the other domains reads the Python ledger (that would be a cycle
    between steps, which Dagster resolves by splitting the dbt steps, and the split run fails)."""
    from dagster_project.definitions import defs
    from dagster_project.defs.dbt.assets import DBT_STEPS

    steps = sorted(n.name for n in defs.resolve_job_def("refresh_all").graph.nodes if "dbt" in n.name)
    assert steps == sorted(f"{step}_dbt_models" for step in DBT_STEPS) and DBT_STEPS["ledgers"] == ("ledgers",)
    graph = defs.resolve_asset_graph()
    assert graph.get(dg.AssetKey(["marts", "claims_ledger_all"])).parent_keys == {
        dg.AssetKey(["analytics", "convergence_claims_ledger"]), dg.AssetKey(["marts", "claims_ledger"])
    }
    assert graph.get(dg.AssetKey(["analytics", "convergence_claims_ledger"])).is_materializable


def test_dbt_marts_show_their_column_types():
    """Every published mart has data_type on every column (enforced contracts), so the Dagster UI
    shows column types."""
    from dagster_project.definitions import defs

    graph = defs.resolve_asset_graph()
    marts = [key for key in graph.get_all_asset_keys() if key.path[0] == "marts"]
    assert dg.AssetKey(["marts", "fct_innovation_index"]) in marts and len(marts) >= 12
    for key in marts:
        schema = graph.get(key).metadata["dagster/column_schema"]
        assert schema.columns and all(column.type for column in schema.columns), key
    index = {c.name: c.type for c in graph.get(dg.AssetKey(["marts", "fct_innovation_index"])).metadata[
        "dagster/column_schema"].columns}
    assert (index["rd_gdp_pct"], index["rd_gdp_pct_year"], index["rd_gdp_pct_world_rank"]) == ("double", "smallint", "bigint")
