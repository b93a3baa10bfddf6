"""The audit of a staged indicator table: every coded column holds only values the models know.

The reader (indicator_sources.read_source) has already checked the layout, types, ranges and
key. What it cannot see is whether a code is one the warehouse knows: a WDI indicator the
seed `wdi_indicator_units` does not list passes the reader and then fails the dbt tests
downstream. Those tests run after the raw table is written, so the audit runs first, on the
staged frame: the ingest asset writes the table only if it passes, and the landing sensor
rejects a file that does not.
"""

from __future__ import annotations

from dataclasses import dataclass

from dagster_project.indicator_sources import Column, SourceTable
from dagster_project.quality.seeds import seed

SHOWN = 5  # unknown values named in a message


@dataclass(frozen=True)
class KnownValuesAudit:
    """Per coded column, the values (sorted) that its declared seed or value list lacks."""

    table: str
    checked: tuple[str, ...]
    unknown: dict[str, tuple[str, ...]]
    expected: dict[str, str]  # column -> where its known values come from, for the message

    @property
    def passed(self) -> bool:
        return not self.unknown

    @property
    def description(self) -> str:
        if self.passed:
            return f"every value of {', '.join(self.checked)} is known" if self.checked else "no coded columns"
        return "; ".join(
            f"{column}: {len(values)} unknown value(s) ({', '.join(map(repr, values[:SHOWN]))}"
            f"{', ...' if len(values) > SHOWN else ''}); expected {self.expected[column]}"
            for column, values in self.unknown.items()
        )


def known(column: Column) -> tuple[frozenset[str], str]:
    """The values a column may hold, and where that list comes from."""
    if isinstance(column.known_values, str):
        name, field = column.known_values.split(".")
        return frozenset(seed(name)[field]), f"{field} values listed in the seed {name} (dbt/seeds)"
    values = column.known_values or ()
    return frozenset(values), "one of " + ", ".join(values)


def audit_known_values(table: SourceTable) -> KnownValuesAudit:
    unknown, expected = {}, {}
    coded = [c for c in table.source.columns if c.known_values is not None]
    for column in coded:
        allowed, expected[column.name] = known(column)
        values = table.frame[column.name].dropna()
        missing = values[~values.isin(allowed)]
        if len(missing):
            unknown[column.name] = tuple(sorted(missing.unique()))
    return KnownValuesAudit(table.source.qualified_table, tuple(c.name for c in coded), unknown, expected)
