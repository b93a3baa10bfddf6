"""dbt's own tests outside the pipeline: the unit tests of the SQL, the project's generic data
tests that check many columns in one scan (dbt/macros/test_not_null_columns.sql,
test_columns_between.sql) on a lake with known bad values, and the rows of a failed test in
the error of the dbt step that ran it.

The unit tests test the models' SQL, not the data, so the pipeline's `dbt build`s leave them
out (as dbt advises for production) and they run here, against a built lake: dbt reads the
column types of each model's inputs from it.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg

from dagster_project.definitions import build_defs
from dagster_project.settings import DBT_PROJECT_DIR
from tests.helpers.warehouse import copy_lake


def dbt_test(settings, target: Path, *selection: str) -> list[dict]:
    """`dbt test --select ...` on `settings`' lake; the run's results."""
    done = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "test", "--select", *selection, "--profiles-dir", ".",
         "--target-path", str(target), "--log-path", str(target / "logs")],
        cwd=DBT_PROJECT_DIR, env={**os.environ, **settings.lake.environment()},
        capture_output=True, text=True, timeout=600,
    )
    assert (target / "run_results.json").exists(), done.stdout[-6000:]
    results = json.loads((target / "run_results.json").read_text())["results"]
    assert all(r["status"] in ("pass", "fail") for r in results), done.stdout[-6000:]
    return results


def test_every_dbt_unit_test_passes(sample_pipeline, tmp_path):
    results = dbt_test(sample_pipeline.settings, tmp_path / "target", "test_type:unit")
    manifest = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text())
    assert manifest["unit_tests"] and {r["unique_id"] for r in results} == set(manifest["unit_tests"])
    assert {r["status"] for r in results} == {"pass"}


def test_the_many_column_tests_fail_naming_each_bad_column_and_its_count(sample_pipeline, tmp_path):
    settings = copy_lake(sample_pipeline.settings, tmp_path / "warehouse")
    with settings.lake.connect() as con:
        # Two NULL values and one NULL year in a table checked by not_null_columns; one R&D share
        # above 100 % and two negative IDI values in a mart checked by columns_between.
        con.execute("""
            update intermediate.int_innovation_component_values set value = null
            where (country_iso3, component, year) in (
                select country_iso3, component, year from intermediate.int_innovation_component_values
                order by all limit 2)""")
        con.execute("""
            update intermediate.int_innovation_component_values set year = null
            where (country_iso3, component, year) in (
                select country_iso3, component, year from intermediate.int_innovation_component_values
                where value is not null order by all limit 1)""")
        con.execute("""
            update marts.fct_innovation_components set rd_gdp_pct = 150
            where (country_iso3, year) in (
                select country_iso3, year from marts.fct_innovation_components
                where rd_gdp_pct is not null order by all limit 1)""")
        con.execute("""
            update marts.fct_innovation_components set ict_idi = -1
            where (country_iso3, year) in (
                select country_iso3, year from marts.fct_innovation_components
                where ict_idi is not null order by all limit 2)""")
    target = tmp_path / "target"
    tests = ("not_null_columns_int_innovation_component_values", "columns_between_fct_innovation_components")
    results = {r["unique_id"].split(".")[2]: r for r in dbt_test(settings, target, *tests)}
    assert {name: (r["status"], r["failures"]) for name, r in results.items()} == {
        tests[0]: ("fail", 2), tests[1]: ("fail", 2)
    }
    # What the failures are: the rows the tests return, by column.
    compiled = {path.stem: path.read_text() for path in (target / "compiled").rglob("*.sql")}
    with settings.lake.connect(read_only=True) as con:
        assert sorted(con.execute(compiled[tests[0]]).fetchall()) == [("value", 2), ("year", 1)]
        got = sorted(con.execute(compiled[tests[1]]).fetchall())
    assert [(column, outside) for column, outside, *_ in got] == [("ict_idi", 2), ("rd_gdp_pct", 1)]
    assert got[0][2] == "-1.0" and got[1][3] == "150.0"


def test_a_failed_dbt_test_shows_its_rows_in_the_error_of_the_dbt_step(sample_pipeline, tmp_path):
    settings = copy_lake(sample_pipeline.settings, tmp_path / "warehouse")
    with settings.lake.connect() as con:
        economy = con.execute("select min(iso3) from raw.itu_idi_2017").fetchone()[0]
        con.execute("update raw.itu_idi_2017 set idi_2017 = 12.5 where iso3 = ?", [economy])
    defs = build_defs(settings)
    innovation = next(a for a in defs.assets if getattr(a, "node_def", None) and a.node_def.name == "innovation_and_analysis_dbt_models")
    result = dg.materialize([innovation], resources=defs.resources, instance=dg.DagsterInstance.ephemeral(),
                            raise_on_error=False)
    (failure,) = [e for e in result.all_events if e.is_step_failure]
    lines = failure.step_failure_data.user_failure_data.description.splitlines()
    # The IDI is 0-10: the staging view's range test fails on the one row, and dbt skips what is built on it.
    assert lines[0].startswith("dbt build failed")
    assert lines[-2:] == ["between_stg_itu__idi_2017_ict_idi__10__0: 1 failing row", "  ict_idi=12.5"]
