"""The audit of one staged input-output year: its expectation suites and accounting identities.

Runs where the year is staged (input_output/staging.py), on the rows exactly as they will be written;
defs/input_output/checks.py turns a run's audits into the tables' blocking Dagster checks.
"""

from __future__ import annotations

from dataclasses import dataclass

from dagster_project.input_output.tables import (
    FLOWS,
    FLOWS_COLUMNS,
    GROSS_OUTPUT,
    GROSS_OUTPUT_COLUMNS,
    fetch_categorical,
)
from dagster_project.quality import io_accounting
from dagster_project.quality.expectations import ValidationSummary, validate_frame
from dagster_project.quality.seeds import seed


@dataclass(frozen=True)
class YearAudit:
    """Everything checked of one year's tables (all releases), small enough to pass between steps."""

    year: int
    flows: tuple[ValidationSummary, ...]
    gross_output: tuple[ValidationSummary, ...]
    accounting: io_accounting.AccountingReport

    @property
    def passed(self) -> bool:
        return all(s.success for s in (*self.flows, *self.gross_output)) and self.accounting.passed


def audit_year(con, year: int) -> YearAudit:
    """Run every check on the year's rows of `raw.wiod_flows` / `raw.wiod_gross_output` as `con` sees them."""
    from dagster_project.quality import suites  # imports Great Expectations: only in the step that validates

    def validate(table: str, columns, suite_builder) -> tuple[ValidationSummary, ...]:
        classifications = [
            c for (c,) in con.execute(
                f"select distinct classification from {table} where year = ? order by 1", [year]
            ).fetchall()
        ]
        return tuple(
            validate_frame(
                # With the codes as categoricals, GX's set and uniqueness checks run 3x faster.
                fetch_categorical(
                    con.execute(f"select * from {table} where classification = ? and year = ?", [c, year]), columns
                ),
                f"{table} {c} {year}",
                suite_builder(columns, c, [year]),
            )
            for c in classifications
        )

    industries = seed("industries").groupby("classification").size().to_dict()
    return YearAudit(
        year=year,
        flows=validate(FLOWS, FLOWS_COLUMNS, suites.wiod_flows),
        gross_output=validate(GROSS_OUTPUT, GROSS_OUTPUT_COLUMNS, suites.wiod_gross_output),
        accounting=io_accounting.check_years(con, [year], industries),
    )
