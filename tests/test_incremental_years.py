"""Incremental by year: a run of one changed year rewrites only the years it affects, and the
year-grained marts come out exactly as a full rebuild of them would.

On a copy of the good sample run's lake, 2010 is replaced by a different generated table and
`make backfill YEARS=2010`'s run is made (in process). dbt then rebuilds 2010 (and 2011, for
the models with a one-year lag) of the year-grained models (dbt/macros/in_run_years.sql). A
`dbt build --full-refresh` of those models afterwards must change nothing.
"""

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
from conftest import copy_lake, warehouse_connection
from pipeline_sample import YEARS, build_raw_dir
from wiod_sample import sample_year, write_rdata

from dagster_project.cli.run import materialize_all
from dagster_project.definitions import build_defs
from dagster_project.settings import DBT_PROJECT_DIR, Settings

# The year-grained models, with the years a change of 2010 rewrites in each.
YEAR_GRAINED = {
    "intermediate.int_industry_inputs_by_supplier": {2010},
    "intermediate.int_country_industry_accounts": {2010},
    "marts.fct_country_industry_year": {2010},
    "marts.fct_manufacturing_servitization": {2010},
    "marts.fct_convergence_panel": {2010, 2011},
    "marts.fct_intermediate_exports": {2010, 2011},
}


def by_year(settings: Settings) -> dict[str, dict[int, tuple]]:
    """(rows, content hash) of each year of every year-grained table."""
    with warehouse_connection(settings) as con:
        return {
            table: {
                year: (rows, digest)
                for year, rows, digest in con.execute(
                    f"select year, count(*), sum(hash(t)) from {table} t group by year"
                ).fetchall()
            }
            for table in YEAR_GRAINED
        }


def test_a_changed_year_rewrites_its_years_only_and_equals_a_full_rebuild(sample_pipeline, tmp_path):
    copied = copy_lake(sample_pipeline.settings, tmp_path / "warehouse")
    raw = tmp_path / "raw"
    build_raw_dir(raw)
    write_rdata(raw, sample_year(2010, seed=1))  # another table for 2010 (the default seed is the year)
    settings = Settings(data_mirror=copied.data_mirror, raw_dir=raw, warehouse_dir=copied.warehouse_dir)
    before = by_year(settings)

    instance = dg.DagsterInstance.ephemeral()
    (result,) = materialize_all(build_defs(settings), instance, years=["2010"], report=lambda _: None)
    assert result.success
    dbt_logs = [
        entry.user_message for entry in instance.all_logs(result.run_id)
        if entry.step_key == "input_output_dbt_models" and "dbt var `years`" in entry.user_message
    ]
    assert dbt_logs == ["year-grained models: only the years 2010 (dbt var `years`)"]

    after = by_year(settings)
    for table, rewritten in YEAR_GRAINED.items():
        # Every year there before is there after (the panel starts a year late: its lag).
        assert set(after[table]) == set(before[table]) and set(before[table]) >= set(YEARS[1:]), table
        for year in before[table]:
            if year in rewritten:
                assert after[table][year] != before[table][year], (table, year, "not rewritten")
            else:
                assert after[table][year] == before[table][year], (table, year, "touched")

    full = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "build", "--full-refresh", "--profiles-dir", ".",
         "--select", *(table.split(".")[1] for table in YEAR_GRAINED),
         "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")],
        cwd=DBT_PROJECT_DIR, env={**os.environ, **settings.lake.environment()},
        capture_output=True, text=True, timeout=600,
    )
    assert full.returncode == 0, full.stdout[-4000:]
    assert by_year(settings) == after
