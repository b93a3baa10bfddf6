"""Blocking checks of the raw input-output tables (write-audit-publish).

Each year's tables are audited where they are staged, before the warehouse is opened
(quality/io_audit.py, called by input_output/staging.py): the Great Expectations suites and the
accounting identities run on the staged Parquet files, in parallel across years. The load step turns the audits of
all the run's years into the tables' blocking check results and writes only if every one
passed, so a table that fails never replaces a stored one and nothing downstream (dbt
models, regressions, report, published snapshot) is built on it.
"""

from __future__ import annotations

import dagster as dg
import pandas as pd

from dagster_project.defs.input_output.keys import FLOWS_KEY, GROSS_OUTPUT_KEY
from dagster_project.input_output.tables import FLOWS, GROSS_OUTPUT
from dagster_project.quality import io_accounting
from dagster_project.quality.expectations import ValidationSummary
from dagster_project.quality.io_audit import YearAudit

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


def check_results(audits: list[YearAudit]) -> list[dg.AssetCheckResult]:
    """The blocking check results of a run from its years' audits."""
    return [
        _expectations_result(FLOWS_EXPECTATIONS, FLOWS, {a.year: a.flows for a in audits}),
        _expectations_result(GROSS_OUTPUT_EXPECTATIONS, GROSS_OUTPUT, {a.year: a.gross_output for a in audits}),
        _accounting_result(IO_ACCOUNTING, [a.accounting for a in audits], [a.year for a in audits]),
    ]


def _expectations_result(
    spec: dg.AssetCheckSpec, table: str, by_year: dict[int, tuple[ValidationSummary, ...]]
) -> dg.AssetCheckResult:
    """One check result from the GX validations of every (classification, year) table of the run."""
    summaries = [summary for found in by_year.values() for summary in found]
    missing = sorted(year for year, found in by_year.items() if not found)
    failed = [s for s in summaries if not s.success]
    if failed:
        first = failed[0]
        return dg.AssetCheckResult(
            asset_key=spec.asset_key,
            check_name=spec.name,
            passed=False,
            description=f"{len(failed)} of {len(summaries)} year table(s) failed; first: {_failed_suite(first)}",
            metadata={"failed_validations": [s.suite for s in failed], **_suite_metadata(first)},
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


def _accounting_result(
    spec: dg.AssetCheckSpec, reports: list[io_accounting.AccountingReport], years: list[int]
) -> dg.AssetCheckResult:
    report = io_accounting.AccountingReport(
        per_year=pd.concat([r.per_year for r in reports], ignore_index=True),
        unbalanced_rows=pd.concat([r.unbalanced_rows for r in reports], ignore_index=True),
        overspent_columns=pd.concat([r.overspent_columns for r in reports], ignore_index=True),
    )
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


def _failed_suite(summary: ValidationSummary) -> str:
    """A failed suite in one line: how many expectations failed, and the first three."""
    return (
        f"{summary.suite}: {len(summary.failures)} of {summary.evaluated} expectations failed: "
        + "; ".join(f.describe() for f in summary.failures[:3])
    )


def _suite_metadata(summary: ValidationSummary) -> dict[str, object]:
    """What the UI shows of a suite's validation: counts and every failed expectation."""
    return {
        "suite": summary.suite,
        "rows_validated": summary.rows,
        "expectations_evaluated": summary.evaluated,
        "expectations_failed": len(summary.failures),
        "failures": dg.MetadataValue.md("\n".join(f"- {f.describe()}" for f in summary.failures) or "none"),
    }
