"""Blocking asset checks on the raw input-output tables.

They run in the same run right after the ingest and, being blocking, stop everything
downstream (Leontief multipliers, dbt models, regressions, report, the published
snapshot) when they fail: nothing is built on a table that failed, and analysts keep the
last good snapshot.
"""

import dagster as dg

from dagster_project.assets.input_output import (
    FLOWS, FLOWS_COLUMNS, GROSS_OUTPUT, GROSS_OUTPUT_COLUMNS,
)
from dagster_project.quality import io_accounting, suites
from dagster_project.quality.expectations import validate_frame
from dagster_project.resources import WarehouseResource

FLOWS_KEY = dg.AssetKey(["raw", "wiod_flows"])
GROSS_OUTPUT_KEY = dg.AssetKey(["raw", "wiod_gross_output"])


def _years(context) -> list[int]:
    return [int(k) for k in context.partition_keys]


def _validate_by_classification(con, table: str, columns, suite_builder, years: list[int]) -> dg.AssetCheckResult:
    """One GX validation per (classification, year): each year is one table of one release."""
    stored = con.execute(
        f"select distinct classification, year from {table} where year in (select unnest(?::int[])) order by all",
        [years],
    ).fetchall()
    summaries = [
        validate_frame(
            con.execute(f"select * from {table} where classification = ? and year = ?", [c, y]).df(),
            f"{table} {c} {y}",
            suite_builder(columns, c, [y]),
        )
        for c, y in stored
    ]
    missing = sorted(set(years) - {y for _, y in stored})
    failed = [s for s in summaries if not s.success]
    if failed:
        first = failed[0].check_result()
        return dg.AssetCheckResult(
            passed=False,
            description=f"{len(failed)} of {len(summaries)} year table(s) failed; first: {first.description}",
            metadata={"failed_validations": [s.suite for s in failed], **first.metadata},
        )
    if missing:
        return dg.AssetCheckResult(passed=False, description=f"{table}: no rows for year(s) {missing}")
    return dg.AssetCheckResult(
        passed=True,
        description=f"{table}: every expectation met in {len(summaries)} year table(s)",
        metadata={
            "rows_validated": sum(s.rows for s in summaries),
            "expectations_evaluated": sum(s.evaluated for s in summaries),
        },
    )


def build_input_output_checks(partitions_def: dg.PartitionsDefinition) -> list[dg.AssetChecksDefinition]:
    @dg.asset_check(
        asset=FLOWS_KEY,
        name="flows_expectations",
        blocking=True,
        partitions_def=partitions_def,
        description="Great Expectations suite: schema, unique cells, known country and industry codes, "
        "non-negative intermediate flows.",
    )
    def flows_expectations(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
        with warehouse.get_connection() as con:
            return _validate_by_classification(con, FLOWS, FLOWS_COLUMNS, suites.wiod_flows, _years(context))

    @dg.asset_check(
        asset=GROSS_OUTPUT_KEY,
        name="gross_output_expectations",
        blocking=True,
        partitions_def=partitions_def,
        description="Great Expectations suite: schema, one row per country-industry, known codes, output >= 0.",
    )
    def gross_output_expectations(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
        with warehouse.get_connection() as con:
            return _validate_by_classification(
                con, GROSS_OUTPUT, GROSS_OUTPUT_COLUMNS, suites.wiod_gross_output, _years(context)
            )

    @dg.asset_check(
        asset=GROSS_OUTPUT_KEY,
        name="io_accounting_identities",
        blocking=True,
        partitions_def=partitions_def,
        additional_deps=[FLOWS_KEY],
        description="Per year: intermediate + final sales = gross output (0.1% or storage precision), "
        "every column of A sums below 1 where output is positive, every country-industry present.",
    )
    def io_accounting_identities(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
        years = _years(context)
        industries = suites.seed("industries").groupby("classification").size().to_dict()
        with warehouse.get_connection() as con:
            report = io_accounting.check_years(con, years, industries)
        checked = set(report.per_year["year"])
        missing = sorted(set(years) - checked)
        examples = report.unbalanced_rows.head(io_accounting.EXAMPLES)
        return dg.AssetCheckResult(
            passed=report.passed and not missing,
            description=(
                f"no gross output for year(s) {missing}" if missing else
                f"{len(report.unbalanced_rows)} unbalanced rows, {len(report.overspent_columns)} columns of A "
                f"summing to 1 or more, {int((~report.per_year['complete']).sum())} incomplete year table(s)"
            ),
            metadata={
                "per_year": dg.MetadataValue.md(report.per_year.to_markdown(index=False)),
                "unbalanced_examples": dg.MetadataValue.md(examples.to_markdown(index=False) if len(examples) else "none"),
                "overspent_examples": dg.MetadataValue.md(
                    report.overspent_columns.head(io_accounting.EXAMPLES).to_markdown(index=False)
                    if len(report.overspent_columns) else "none"
                ),
            },
        )

    return [flows_expectations, gross_output_expectations, io_accounting_identities]
