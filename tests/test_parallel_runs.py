"""Year partitions staged in parallel under the multiprocess executor, warehouse steps one at a time.

Runs launched from the UI, schedule or sensor (and `materialize --parallel`) use the code
location's multiprocess executor. On the generated three-year sample this checks that the year steps overlap in time, that no two
steps of the DuckDB pool ever do (so none can meet DuckDB's file lock), and that the
warehouse comes out identical to the sequential, in-process run of the same files.
"""

from itertools import combinations

import dagster as dg
from conftest import table_checksums
from pipeline_sample import YEARS, settings_for, start_run

from dagster_project.definitions import defs
from dagster_project.resources import WAREHOUSE_POOL

# The ops that never open the warehouse; every other op of the code location must be in the pool.
OUTSIDE_POOL = {"io_years_of_run", "stage_io_year"}


def overlapping(steps) -> list[tuple[str, str]]:
    return [
        (a.step_key, b.step_key)
        for a, b in combinations(steps, 2)
        if a.start_time < b.end_time and b.start_time < a.end_time
    ]


def test_every_op_that_opens_the_warehouse_is_in_the_duckdb_pool():
    ops = {op.name: op.pool for op in defs.resolve_job_def("refresh_all").graph.iterate_op_defs()}
    assert {name for name, pool in ops.items() if pool != WAREHOUSE_POOL} == OUTSIDE_POOL


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
    in_pool = [s for s in steps if s.step_key.split("[")[0].split(".")[-1] not in OUTSIDE_POOL]
    assert len(in_pool) > 20
    assert overlapping(in_pool) == []
    assert not (settings.warehouse_dir / "staging" / record.dagster_run.run_id).exists()

    assert table_checksums(settings.warehouse_path) == table_checksums(sample_pipeline.warehouse_path)
