"""The audit of a staged indicator table: what its `Source` declares about the content holds.

The reader (indicators/reader.py: stage_source) has checked the layout and the types. What a
well-formed file can still get wrong is checked here, on the staged frame, before the raw
table is replaced, because the dbt tests downstream only run once it has been:

- row_count: at least the rows a complete file has (Source.min_rows), against a truncated
  download or a partial export. It warns and does not block: a new vintage may legitimately
  drop economies, and a person should judge, not the pipeline;
- unique_key: each key once; a repeated key would be counted twice by every join and sum;
- value_ranges: every value in its column's declared range; a value outside is a unit or
  sign error (a percent share in per mille, a rank of 0, a negative GDP) that would skew the
  ranks and scores downstream;
- known_values: every code is one the models know (a seed's codes or a declared list); an
  unknown code passes the reader and then fails the dbt tests after the table is written.

The checks of a source are declared from its `Source` alone (`declared_checks`), so the ingest
asset declares its Dagster checks before anything runs; `audit_source` runs them on a staged
table. The ingest asset writes the table only if every blocking check passed, and
indicators.reader.read_source (the landing sensor's validation) raises on the same failures.
Every failure names the file, the column, the line and key of the first offending row, and
what was expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dagster_project.quality.seeds import seed

if TYPE_CHECKING:  # indicators/reader.py imports this module (read_source audits what it stages)
    from dagster_project.indicators.reader import Column, RowRange, Source, SourceTable

SHOWN = 5  # unknown values named in a message
# How a declaration names a seed's codes: "<seed>.<column>" for the values of the column of a dbt
# seed, "<seed>.<column>[<flag>]" for those of its rows whose boolean column <flag> is true.
SEED_CODES = re.compile(r"(\w+)\.(\w+)(?:\[(\w+)\])?")

ROW_COUNT = "row_count"
UNIQUE_KEY = "unique_key"
VALUE_RANGES = "value_ranges"
KNOWN_VALUES = "known_values"


@dataclass(frozen=True)
class SourceCheck:
    """A check of a source as the ingest asset declares it."""

    name: str
    blocking: bool
    description: str  # what it checks and why, for the Dagster UI


@dataclass(frozen=True)
class Finding:
    """What one check found on a staged table."""

    passed: bool
    description: str  # what held, or what failed: file, column, line and key, expected values
    metadata: dict = field(default_factory=dict)


@dataclass(frozen=True)
class CheckOutcome:
    check: SourceCheck
    finding: Finding

    @property
    def failed_blocking(self) -> bool:
        return self.check.blocking and not self.finding.passed


def declared_checks(source: Source) -> tuple[SourceCheck, ...]:
    """The checks of `source`: row count and key always, ranges and codes where columns declare them."""
    floor = source.min_rows
    checks = [
        SourceCheck(
            ROW_COUNT, blocking=False,
            description=f"At least {floor.rows:,} data rows: {floor.reason}. A shorter file is most likely "
            "truncated; it is loaded with a warning, since a new vintage may legitimately drop rows.",
        ),
        SourceCheck(
            UNIQUE_KEY, blocking=True,
            description=f"Each ({', '.join(source.key)}) appears once: a repeated key would be counted twice "
            "by every join and sum downstream. Checked on the file before the table is replaced.",
        ),
    ]
    ranged = [c for c in source.columns if c.has_range]
    if ranged:
        checks.append(SourceCheck(
            VALUE_RANGES, blocking=True,
            description="Every value within its declared range ("
            + "; ".join(f"{c.name} {_expected(low, high, rows)}" for c in ranged for low, high, rows in _ranges(c))
            + "): a value outside is a unit or sign error that would skew the ranks and scores downstream. "
            "Checked on the file before the table is replaced.",
        ))
    coded = [c.name for c in source.columns if c.known_values is not None]
    if coded:
        checks.append(SourceCheck(
            KNOWN_VALUES, blocking=True,
            description=f"Every value of {', '.join(coded)} is one the models know (a seed's codes or the "
            "declared list), checked on the file before the table is replaced.",
        ))
    return tuple(checks)


def audit_source(table: SourceTable) -> tuple[CheckOutcome, ...]:
    """Every declared check of the table's source, run on the staged frame."""
    audits = {
        ROW_COUNT: audit_row_count, UNIQUE_KEY: audit_unique_key,
        VALUE_RANGES: audit_value_ranges, KNOWN_VALUES: audit_known_values,
    }
    return tuple(CheckOutcome(check, audits[check.name](table)) for check in declared_checks(table.source))


def blocking_failures(outcomes: tuple[CheckOutcome, ...]) -> str:
    """The failures that stop a write, in one message; empty if there are none."""
    return "; ".join(o.finding.description for o in outcomes if o.failed_blocking)


def audit_row_count(table: SourceTable) -> Finding:
    rows, floor = len(table.frame), table.source.min_rows
    metadata = {"rows": rows, "min_rows": floor.rows}
    if rows >= floor.rows:
        return Finding(True, f"{rows:,} data rows (at least {floor.rows:,} expected)", metadata)
    return Finding(
        False, f"{table.path}: {rows:,} data row(s), fewer than the {floor.rows:,} of a complete file ({floor.reason})",
        metadata,
    )


def audit_unique_key(table: SourceTable) -> Finding:
    """The first repeated key and the first two lines holding it; one hash pass, linear in the rows."""
    key, frame = list(table.source.key), table.frame
    repeat = frame.duplicated(subset=key, keep="first").to_numpy().nonzero()[0]
    if not len(repeat):
        return Finding(True, f"each ({', '.join(key)}) appears once", {"repeated_rows": 0})
    group = frame.groupby(key, dropna=False, sort=False).ngroup().to_numpy()
    same = (group == group[repeat[0]]).nonzero()[0][:2]
    return Finding(
        False,
        f"{table.path}: lines {' and '.join(str(table.lines[i]) for i in same)} repeat the key "
        f"({_key_of(table, same[0])}); each ({', '.join(key)}) must appear once",
        {"repeated_rows": len(repeat)},
    )


def audit_value_ranges(table: SourceTable) -> Finding:
    """Per column and range, the values outside it: how many, and the first with its line and key."""
    clauses, outside = [], {}
    for column in table.source.columns:
        values = table.frame[column.name]
        for low, high, rows in _ranges(column):
            bad = np.zeros(len(values), dtype=bool)
            if low is not None:
                bad |= (values < low).fillna(False).to_numpy(dtype=bool)
            if high is not None:
                bad |= (values > high).fillna(False).to_numpy(dtype=bool)
            if rows is not None:
                bad &= table.frame[rows.column].isin(codes(rows.values)[0]).to_numpy()
            count = int(bad.sum())
            if count:
                first = bad.nonzero()[0][0]
                outside[column.name] = outside.get(column.name, 0) + count
                clauses.append(
                    f"column {column.name}: {count:,} value(s) outside {_expected(low, high, rows)}, first on "
                    f"line {table.lines[first]} ({_key_of(table, first)}): {_show(values.iloc[first])}"
                )
    if not clauses:
        return Finding(True, "every value within its declared range", {"values_outside": {}})
    return Finding(False, f"{table.path}: " + "; ".join(clauses), {"values_outside": outside})


def audit_known_values(table: SourceTable) -> Finding:
    """Per coded column, the values (sorted) that its declared seed or value list lacks."""
    unknown, clauses = {}, []
    coded = [c for c in table.source.columns if c.known_values is not None]
    for column in coded:
        allowed, expected = codes(column.known_values)
        values = table.frame[column.name].dropna()
        missing = tuple(sorted(values[~values.isin(allowed)].unique()))
        if missing:
            unknown[column.name] = list(missing)
            clauses.append(
                f"{column.name}: {len(missing)} unknown value(s) ({', '.join(map(repr, missing[:SHOWN]))}"
                f"{', ...' if len(missing) > SHOWN else ''}); expected {expected}"
            )
    if not clauses:
        return Finding(True, f"every value of {', '.join(c.name for c in coded)} is known", {"unknown_values": {}})
    return Finding(False, f"{table.path}: " + "; ".join(clauses), {"unknown_values": unknown})


def codes(spec: tuple[str, ...] | str) -> tuple[frozenset[str], str]:
    """The values a declaration allows (a tuple, or seed codes as in SEED_CODES), and where they
    come from, for messages."""
    if not isinstance(spec, str):
        return frozenset(spec), "one of " + ", ".join(spec)
    name, column, flag = SEED_CODES.fullmatch(spec).groups()
    rows = seed(name)
    if flag is None:
        return frozenset(rows[column]), f"{column} values listed in the seed {name} (dbt/seeds)"
    flagged = rows.loc[rows[flag] == "true", column]
    return frozenset(flagged), f"{column} values the seed {name} marks {flag} (dbt/seeds)"


def _ranges(column: Column) -> list[tuple[float | None, float | None, RowRange | None]]:
    """(low, high, rows) of each range of the column; rows is None for the range of every row."""
    whole = [] if column.min_value is None and column.max_value is None else [(column.min_value, column.max_value, None)]
    return whole + [(r.min_value, r.max_value, r) for r in column.row_ranges]


def _expected(low: float | None, high: float | None, rows: RowRange | None) -> str:
    interval = f"{'(-inf' if low is None else f'[{low:g}'}, {'inf)' if high is None else f'{high:g}]'}"
    if rows is None:
        return interval
    if isinstance(rows.values, str):
        return f"{interval} where {rows.column} is among the {codes(rows.values)[1]}"
    return f"{interval} where {rows.column} is {' or '.join(map(repr, rows.values))}"


def _key_of(table: SourceTable, row: int) -> str:
    return ", ".join(f"{name}={_show(table.frame[name].iloc[row])}" for name in table.source.key)


def _show(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return "NULL"
    return repr(value) if isinstance(value, str) else str(value)
