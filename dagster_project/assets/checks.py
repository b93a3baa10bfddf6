"""Blocking checks of the raw input-output tables (write-audit-publish).

The ingest asset writes a run's years in one transaction, runs these checks on what it
wrote before committing, and commits only if all pass; the results are reported as the
asset's blocking checks. A failure rolls the write back, fails the asset and so stops
everything downstream (Leontief multipliers, dbt models, regressions, report, published
snapshot): nothing is built on a table that failed, and the stored years stay as they were.
"""

import dagster as dg

from dagster_project.io_schema import FLOWS, FLOWS_COLUMNS, GROSS_OUTPUT, GROSS_OUTPUT_COLUMNS
from dagster_project.quality import io_accounting, suites
from dagster_project.quality.expectations import validate_frame

FLOWS_KEY = dg.AssetKey(["raw", "wiod_flows"])
GROSS_OUTPUT_KEY = dg.AssetKey(["raw", "wiod_gross_output"])


def _validate_by_classification(
    spec: dg.AssetCheckSpec, con, table: str, columns, suite_builder, years: list[int]
) -> dg.AssetCheckResult:
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
            asset_key=spec.asset_key,
            check_name=spec.name,
            passed=False,
            description=f"{len(failed)} of {len(summaries)} year table(s) failed; first: {first.description}",
            metadata={"failed_validations": [s.suite for s in failed], **first.metadata},
        )
    if missing:
        return dg.AssetCheckResult(
            asset_key=spec.asset_key, check_name=spec.name, passed=False,
            description=f"{table}: no rows for year(s) {missing}",
        )
    return dg.AssetCheckResult(
        asset_key=spec.asset_key,
        check_name=spec.name,
        passed=True,
        description=f"{table}: every expectation met in {len(summaries)} year table(s)",
        metadata={
            "rows_validated": sum(s.rows for s in summaries),
            "expectations_evaluated": sum(s.evaluated for s in summaries),
        },
    )


FLOWS_EXPECTATIONS = dg.AssetCheckSpec(
    "flows_expectations", asset=FLOWS_KEY, blocking=True,
    description="Great Expectations suite: schema, unique cells, known country and industry codes, "
    "non-negative intermediate flows.",
)
GROSS_OUTPUT_EXPECTATIONS = dg.AssetCheckSpec(
    "gross_output_expectations", asset=GROSS_OUTPUT_KEY, blocking=True,
    description="Great Expectations suite: schema, one row per country-industry, known codes, output >= 0.",
)
IO_ACCOUNTING = dg.AssetCheckSpec(
    "io_accounting_identities", asset=GROSS_OUTPUT_KEY, blocking=True, additional_deps=[FLOWS_KEY],
    description="Per year: intermediate + final sales = gross output (0.1% or storage precision), "
    "every column of A sums below 1 where output is positive, every country-industry present.",
)
IO_CHECK_SPECS = [FLOWS_EXPECTATIONS, GROSS_OUTPUT_EXPECTATIONS, IO_ACCOUNTING]


def run_io_checks(con, years: list[int]) -> list[dg.AssetCheckResult]:
    """Every check of the raw input-output tables for `years`, as seen by `con`.

    The ingest asset calls this inside its write transaction (write, audit, then commit or
    roll back), so a table that fails never replaces the stored one.
    """
    return [
        _validate_by_classification(FLOWS_EXPECTATIONS, con, FLOWS, FLOWS_COLUMNS, suites.wiod_flows, years),
        _validate_by_classification(
            GROSS_OUTPUT_EXPECTATIONS, con, GROSS_OUTPUT, GROSS_OUTPUT_COLUMNS, suites.wiod_gross_output, years
        ),
        _accounting(IO_ACCOUNTING, con, years),
    ]


def _accounting(spec: dg.AssetCheckSpec, con, years: list[int]) -> dg.AssetCheckResult:
    industries = suites.seed("industries").groupby("classification").size().to_dict()
    report = io_accounting.check_years(con, years, industries)
    missing = sorted(set(years) - set(report.per_year["year"]))
    examples = report.unbalanced_rows.head(io_accounting.EXAMPLES)
    overspent = report.overspent_columns.head(io_accounting.EXAMPLES)
    return dg.AssetCheckResult(
        asset_key=spec.asset_key,
        check_name=spec.name,
        passed=report.passed and not missing,
        description=(
            f"no gross output for year(s) {missing}" if missing else
            f"{len(report.unbalanced_rows)} unbalanced rows, {len(report.overspent_columns)} columns of A "
            f"summing to 1 or more, {int((~report.per_year['complete']).sum())} incomplete year table(s)"
        ),
        metadata={
            "per_year": dg.MetadataValue.md(report.per_year.to_markdown(index=False)),
            "unbalanced_examples": dg.MetadataValue.md(examples.to_markdown(index=False) if len(examples) else "none"),
            "overspent_examples": dg.MetadataValue.md(overspent.to_markdown(index=False) if len(overspent) else "none"),
        },
    )
