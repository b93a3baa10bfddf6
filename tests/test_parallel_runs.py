"""Year partitions staged and written in parallel under the multiprocess executor, dbt builds one at a time.

Runs launched from the UI, schedule or sensor (and `materialize --parallel`) use the code
location's multiprocess executor. On the generated three-year sample this checks that the
year steps, each writing its year into the lake, overlap in time, that no two dbt builds do
(dbt cannot retry a transaction that lost a race on the SQLite catalog), and that the
warehouse comes out identical to the sequential, in-process run of the same files.
"""

from itertools import combinations

import dagster as dg
from conftest import table_checksums
from pipeline_sample import YEARS, settings_for, start_run

from dagster_project.definitions import defs
from dagster_project.defs.dbt.assets import DBT_DOMAINS
from dagster_project.defs.resources import DBT_POOL


def overlapping(steps) -> list[tuple[str, str]]:
    return [
        (a.step_key, b.step_key)
        for a, b in combinations(steps, 2)
        if a.start_time < b.end_time and b.start_time < a.end_time
    ]


def test_dbt_builds_and_only_they_are_in_the_dbt_pool():
    ops = {op.name: op.pool for op in defs.resolve_job_def("refresh_all").graph.iterate_op_defs()}
    assert {name for name, pool in ops.items() if pool == DBT_POOL} == {
        f"{domain}_dbt_models" for domain in DBT_DOMAINS
    }


def test_a_parallel_run_stages_years_at_once_and_builds_the_same_warehouse_as_a_sequential_one(
    sample_pipeline, tmp_path
):
    settings = settings_for(tmp_path, sample_pipeline.settings.raw_dir)
    home = tmp_path / "dagster_home"
    run = start_run(settings, home, tmp_path / "run.log", "--parallel")
    assert run.wait(timeout=900) == 0, (tmp_path / "run.log").read_text()[-3000:]

    instance = dg.DagsterInstance.from_config(str(home))
    (record,) = instance.get_run_records()
    steps = instance.get_run_step_stats(record.dagster_run.run_id)
    staged = [s for s in steps if s.step_key.startswith("wiod_tables.stage_io_year[")]
    assert sorted(s.step_key for s in staged) == [f"wiod_tables.stage_io_year[{y}]" for y in YEARS]
    assert overlapping(staged), "no two years were staged at the same time"
    dbt_builds = [s for s in steps if s.step_key.endswith("_dbt_models")]
    assert len(dbt_builds) == len(DBT_DOMAINS)
    assert overlapping(dbt_builds) == []
    assert not (settings.warehouse_dir / "staging" / record.dagster_run.run_id).exists()

    assert table_checksums(settings) == table_checksums(sample_pipeline.settings)
