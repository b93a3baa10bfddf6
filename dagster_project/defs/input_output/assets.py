"""Year-partitioned input-output assets: the raw tables of every release, their Leontief multipliers and value added.

A year partition holds every release present in the raw folder for that year (WIOD 2013,
WIOD 2016, OECD ICIO; see dagster_project/releases/registry.py), each under its own
`classification`; its rows are replaced as a whole, so a release removed from the raw
folder leaves the warehouse with it.

One graph-backed asset, `wiod_tables`, does the stage for a run's years:

* `stage_io_year[<year>]`, one step per year partition of the run: parse the release files,
  audit them and solve for the Leontief multipliers and the value added (proxy) embodied in final
  demand and exports (one LU factorisation), into Parquet under
  `warehouse/staging/<run id>/` (input_output/staging.py), then, if the year passed its audit, replace
  that year's rows in the lake in one transaction. The multiprocess executor runs these steps
  in parallel: the lake admits concurrent writers, and the tables are partitioned by year, so
  two years never touch the same data file.
* `check_io_years`: report the blocking checks of all the run's years, and fail the run if
  any failed. A year that failed its audit wrote nothing (its stored rows are as they were),
  and nothing downstream runs, so nothing is published.
"""

import dagster as dg

from dagster_project.defs.input_output.checks import IO_CHECK_SPECS, check_results
from dagster_project.defs.input_output.keys import (
    FLOWS_KEY,
    GROSS_OUTPUT_KEY,
    MULTIPLIERS_KEY,
    VALUE_ADDED_BY_ORIGIN_KEY,
    VALUE_ADDED_MULTIPLIERS_KEY,
)
from dagster_project.defs.input_output.partitions import io_years
from dagster_project.defs.metadata import column_schema, step_worker, table_metadata
from dagster_project.defs.resources import STEP_OUTPUTS, FolderResource, WarehouseResource
from dagster_project.input_output import staging
from dagster_project.input_output.tables import (
    DECLARATIONS,
    FLOWS,
    GROSS_OUTPUT,
    MULTIPLIERS,
    VALUE_ADDED_BY_ORIGIN,
    VALUE_ADDED_MULTIPLIERS,
)
from dagster_project.storage.lake import transactions

OUTPUT_TABLES = {
    "flows": FLOWS,
    "gross_output": GROSS_OUTPUT,
    "multipliers": MULTIPLIERS,
    "value_added_by_origin": VALUE_ADDED_BY_ORIGIN,
    "value_added_multipliers": VALUE_ADDED_MULTIPLIERS,
}
OUTPUT_KEYS = {
    "flows": FLOWS_KEY,
    "gross_output": GROSS_OUTPUT_KEY,
    "multipliers": MULTIPLIERS_KEY,
    "value_added_by_origin": VALUE_ADDED_BY_ORIGIN_KEY,
    "value_added_multipliers": VALUE_ADDED_MULTIPLIERS_KEY,
}
# The tables the Leontief step solves (numpy and scipy), beside the raw tables it reads.
SOLVED_OUTPUTS = ("multipliers", "value_added_by_origin", "value_added_multipliers")


@dg.op(out=dg.DynamicOut(int, io_manager_key=STEP_OUTPUTS))
def io_years_of_run(context: dg.OpExecutionContext, warehouse: WarehouseResource):
    """One output per year partition of the run, so that each year is staged in its own step."""
    for root in warehouse.run_roots:
        staging.remove_finished_runs(root, context.instance)
    with warehouse.get_connection() as con:
        staging.ensure_tables(con)
    for key in context.partition_keys:
        yield dg.DynamicOutput(int(key), mapping_key=key)


@dg.op(out=dg.Out(io_manager_key=STEP_OUTPUTS))
def stage_io_year(
    context: dg.OpExecutionContext, raw_files: FolderResource, warehouse: WarehouseResource, year: int
) -> dg.Output[staging.StagedYear]:
    """Parse, audit and solve one year into the run's staging folder, then write it if its audit passed.

    The output's metadata names the worker and process that did it (the Dagster UI shows it by step).
    """
    folder = warehouse.staging_dir / context.run_id / str(year)
    staged = staging.stage_year(raw_files.path, year, folder, log=context.log.info)
    if staged.audit.passed:
        with warehouse.get_connection() as con:
            for attempt in transactions(con):
                with attempt:
                    staging.load_year(con, staged)
        context.log.info(f"{year}: written to the lake")
    staging.remove_staged_year(folder)
    return dg.Output(staged, metadata=step_worker())


@dg.op(
    out={
        **{name: dg.Out(dg.Nothing) for name in OUTPUT_TABLES},
        **{spec.get_python_identifier(): dg.Out(dg.Nothing) for spec in IO_CHECK_SPECS},
    },
)
def check_io_years(context: dg.AssetExecutionContext, warehouse: WarehouseResource, staged: list):
    """Report the blocking checks of the run's years; fail the run if any year failed its audit."""
    years = sorted(s.year for s in staged)
    try:
        checks = check_results([s.audit for s in staged])
        yield from checks
        if not all(c.passed for c in checks):
            raise dg.Failure(
                description="blocking checks failed on the staged tables; nothing was written for the failing "
                "years (their stored rows are unchanged) and nothing downstream runs: "
                + "; ".join(f"{c.check_name}: {c.description}" for c in checks if not c.passed),
            )
        with warehouse.get_connection() as con:
            for name, table in OUTPUT_TABLES.items():
                # Each year partition's page shows its own rows (count, preview) and releases.
                for year in staged:
                    context.add_asset_metadata(
                        {"releases": ", ".join(year.releases), **table_metadata(con, table, "year = ?", [year.year])},
                        asset_key=OUTPUT_KEYS[name], partition_key=str(year.year),
                    )
                yield dg.Output(None, name, metadata={"years_of_run": years})
    finally:
        for root in warehouse.run_roots:
            staging.remove_staged(root / context.run_id)


def _input_output_assets() -> list[dg.AssetsDefinition]:
    @dg.graph_multi_asset(
        name="wiod_tables",
        outs={
            name: dg.AssetOut(
                key=OUTPUT_KEYS[name],
                description=DECLARATIONS[table].description,
                metadata={
                    "dagster/column_schema": column_schema(DECLARATIONS[table].columns, DECLARATIONS[table].docs),
                    "primary_key": list(DECLARATIONS[table].key),
                },
                owners=["team:warehouse"],
                tags={"source": "input_output_releases"} if table.startswith("raw.") else None,
                kinds={"python", "numpy", "duckdb"} if name in SOLVED_OUTPUTS else {"python", "duckdb"},
            )
            for name, table in OUTPUT_TABLES.items()
        },
        check_specs=IO_CHECK_SPECS,
        partitions_def=io_years,
        backfill_policy=dg.BackfillPolicy.single_run(),
    )
    def wiod_tables():
        loaded = check_io_years(io_years_of_run().map(stage_io_year).collect())
        return {
            **{name: getattr(loaded, name) for name in OUTPUT_TABLES},
            **{spec.get_python_identifier(): getattr(loaded, spec.get_python_identifier()) for spec in IO_CHECK_SPECS},
        }

    # graph_multi_asset does not apply an AssetOut's group_name: set the groups on the specs.
    groups = {name: "intermediate" if name in SOLVED_OUTPUTS else "ingest" for name in OUTPUT_TABLES}
    group_by_key = {wiod_tables.keys_by_output_name[name]: group for name, group in groups.items()}
    return dg.map_asset_specs(lambda spec: spec.replace_attributes(group_name=group_by_key[spec.key]), [wiod_tables])


input_output_assets = _input_output_assets()
