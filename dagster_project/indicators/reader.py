"""The typed reader of the indicator source files behind the innovation marts, and how a source is declared.

Every file of the data mirror that the innovation domain uses is declared once, as a
`Source`, in the module of its provider (world_bank.py, itu.py, patstat.py, ncses.py,
oecd.py, kita.py; catalogue.SOURCES lists them): where it lives under the raw folder, the raw table it becomes, the type, meaning,
unit and range of each column, its key, and the fewest rows a complete file has.
`stage_source` turns one file into a typed frame or raises `SourceFileError` with a message
naming the file, the line and the column and what was expected (a missing or renamed column,
a non-numeric cell, an empty file, bytes that are not UTF-8 ...). What the declarations
promise about the content (row count, unique key, value ranges, known codes) is checked on
that frame by the audit (quality/indicator_audit.py), reported as the ingest asset's checks;
`read_source` is both steps, for callers that want a valid table or an error.

Files are parsed with the standard `csv` module (quoted fields may span lines, as in the WDI
indicator descriptions) so that every problem can be reported with its line number.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dagster_project.quality.indicator_audit import SEED_CODES, audit_source, blocking_failures

RAW_SCHEMA = "raw"
# Dagster tag (dbt-style: key = domain, value "") shared with the dbt models of the domain.
DOMAIN = "innovation"

_INTEGER = re.compile(r"[+-]?\d+")
_INTEGER_RANGES = {"SMALLINT": (-32768, 32767), "INTEGER": (-(2**31), 2**31 - 1)}
_SQL_TYPES = ("VARCHAR", "SMALLINT", "INTEGER", "DOUBLE")


class SourceFileError(ValueError):
    """A source file is missing, unreadable, or not in the layout its `Source` declares."""


def _check_codes(owner: str, codes: tuple[str, ...] | str | None) -> None:
    if isinstance(codes, str) and not SEED_CODES.fullmatch(codes):
        raise ValueError(f"{owner}: {codes!r} is not '<seed>.<column>' or '<seed>.<column>[<flag>]'")


@dataclass(frozen=True)
class RowRange:
    """The range a numeric column keeps on some rows only: those whose `column` holds one of
    `values` (a tuple, or seed codes: indicator_audit.SEED_CODES). For columns whose unit is
    given row by row, e.g. a WDI value is a share in [0, 100] only for the indicators that are
    shares."""

    column: str
    values: tuple[str, ...] | str
    min_value: float | None = None
    max_value: float | None = None

    def __post_init__(self) -> None:
        _check_codes(f"range on rows by {self.column}", self.values)


@dataclass(frozen=True)
class Column:
    """One column of a source file, stored under the same name in the raw table."""

    name: str
    sql_type: str
    description: str
    nullable: bool = False
    # The range of every value (NULLs aside), and ranges that hold on some rows only.
    min_value: float | None = None
    max_value: float | None = None
    row_ranges: tuple[RowRange, ...] = ()
    # The values the models downstream know: a tuple of values, or seed codes
    # (indicator_audit.SEED_CODES). Checked by the audit of the staged table before the raw
    # table is replaced, so a code the seeds lack never reaches the warehouse.
    known_values: tuple[str, ...] | str | None = None

    def __post_init__(self) -> None:
        if self.sql_type not in _SQL_TYPES:
            raise ValueError(f"column {self.name}: type {self.sql_type} is not one of {_SQL_TYPES}")
        _check_codes(f"column {self.name}: known_values", self.known_values)
        if self.has_range and self.sql_type == "VARCHAR":
            raise ValueError(f"column {self.name}: a range is declared on a VARCHAR column")

    @property
    def has_range(self) -> bool:
        return self.min_value is not None or self.max_value is not None or bool(self.row_ranges)


@dataclass(frozen=True)
class RowFloor:
    """The fewest data rows a complete file of the source has, and why that many."""

    rows: int
    reason: str


@dataclass(frozen=True)
class Source:
    """A source file of the data mirror and the raw table it is loaded into, whole."""

    table: str
    path: str  # relative to the raw folder, same layout as the data mirror
    provider: str
    description: str  # what it is and why the warehouse holds it
    provenance: str
    units: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    min_rows: RowFloor
    # Cells read as NULL; "" always, plus any marker the source uses for "not available".
    null_markers: frozenset[str] = frozenset({""})
    # The World Bank CLASS sheet separates economies from aggregates by an all-empty row.
    skip_blank_rows: bool = False

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        unknown = set(self.key) - set(names)
        if unknown:
            raise ValueError(f"{self.table}: key column(s) {sorted(unknown)} are not declared columns")
        selectors = {r.column for c in self.columns for r in c.row_ranges} - set(names)
        if selectors:
            raise ValueError(f"{self.table}: row ranges select rows by undeclared column(s) {sorted(selectors)}")

    @property
    def qualified_table(self) -> str:
        return f"{RAW_SCHEMA}.{self.table}"

    @property
    def asset_key(self) -> list[str]:
        return [RAW_SCHEMA, self.table]

    @property
    def sql_columns(self) -> dict[str, str]:
        """Declared DuckDB column types, the way `storage.tables.replace_rows` takes them."""
        return {c.name: c.sql_type.lower() + ("" if c.nullable else " not null") for c in self.columns}

    @property
    def column_docs(self) -> dict[str, str]:
        return {c.name: c.description for c in self.columns}

    def file(self, raw_dir: Path) -> Path:
        return raw_dir / self.path


@dataclass(frozen=True)
class SourceTable:
    """A source file read and typed: what the ingest asset writes and reports."""

    source: Source
    path: Path
    frame: pd.DataFrame
    lines: tuple[int, ...]  # the line of the file each row of `frame` starts on
    sha256: str
    ignored_columns: tuple[str, ...]  # in the file but not declared, so not loaded


def read_source(raw_dir: Path, source: Source) -> SourceTable:
    """The file of `source` under `raw_dir`, typed, having passed every blocking check of the audit.

    Raises SourceFileError naming the file, and the line, key and column where it applies.
    """
    table = stage_source(raw_dir, source)
    failed = blocking_failures(audit_source(table))
    if failed:
        raise SourceFileError(failed)
    return table


def stage_source(raw_dir: Path, source: Source) -> SourceTable:
    """The file of `source` under `raw_dir`, with the declared columns and types, unaudited.

    Raises SourceFileError naming the file, and the line and column where it applies.
    """
    path = source.file(raw_dir)
    data, header, rows, lines = _read_rows(path, source)
    position = {name: i for i, name in enumerate(header)}
    frame = pd.DataFrame(
        {
            column.name: _typed(path, column, [row[position[column.name]] for row in rows], lines, source)
            for column in source.columns
        }
    )
    declared = {c.name for c in source.columns}
    return SourceTable(
        source=source,
        path=path,
        frame=frame,
        lines=tuple(lines),
        sha256=hashlib.sha256(data).hexdigest(),
        ignored_columns=tuple(name for name in header if name not in declared),
    )


def _read_rows(path: Path, source: Source) -> tuple[bytes, list[str], list[list[str]], list[int]]:
    """Bytes, header, data rows and the line each row starts on; every layout problem raised."""
    if path.is_dir():
        raise SourceFileError(
            f"{path}: a folder, where the {source.qualified_table} source file ({source.provider}) is expected; "
            f"remove or rename the folder and run `make data`"
        )
    if not path.is_file():
        raise SourceFileError(
            f"{path}: missing; the {source.qualified_table} source ({source.provider}) is expected here "
            f"(run `make data` to copy it from the data mirror)"
        )
    data = path.read_bytes()
    if not data.strip():
        raise SourceFileError(f"{path}: empty file; expected a CSV header with {_names(source)}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceFileError(
            f"{path}: line {line}: byte 0x{data[exc.start]:02x} at offset {exc.start} is not valid UTF-8; "
            f"the file must be UTF-8 encoded"
        ) from exc

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    lines: list[int] = []
    header: list[str] | None = None
    try:
        line = 1
        for row in reader:
            start, line = line, reader.line_num + 1
            if header is None:
                header = [name.strip() for name in row]
                _check_header(path, source, header)
                continue
            if not row or (source.skip_blank_rows and not any(cell.strip() for cell in row)):
                continue
            if len(row) != len(header):
                raise SourceFileError(
                    f"{path}: line {start}: {len(row)} field(s), expected {len(header)} as in the header "
                    f"({', '.join(header)})"
                )
            rows.append(row)
            lines.append(start)
    except csv.Error as exc:
        raise SourceFileError(f"{path}: line {reader.line_num}: malformed CSV ({exc})") from exc
    if not rows:
        raise SourceFileError(f"{path}: has a header but no data rows")
    return data, header, rows, lines


def _check_header(path: Path, source: Source, header: list[str]) -> None:
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise SourceFileError(f"{path}: line 1: column(s) {', '.join(repeated)} appear more than once in the header")
    missing = [c.name for c in source.columns if c.name not in header]
    if missing:
        raise SourceFileError(
            f"{path}: line 1: column(s) {', '.join(missing)} missing from the header "
            f"(found: {', '.join(header)}; expected: {_names(source)})"
        )


def _typed(path: Path, column: Column, cells: list[str], lines: list[int], source: Source) -> pd.Series:
    """Cast one column's cells to its declared type, raising on the first cell that does not fit."""
    values: list[object] = []
    for cell, line in zip(cells, lines):
        where = f"{path}: line {line}, column {column.name}"
        if cell in source.null_markers or (column.sql_type != "VARCHAR" and not cell.strip()):
            if not column.nullable:
                raise SourceFileError(f"{where}: empty, but a {column.sql_type} value is required")
            values.append(None)
            continue
        if column.sql_type == "VARCHAR":
            values.append(cell)
            continue
        text = cell.strip()
        if column.sql_type == "DOUBLE":
            try:
                number: float = float(text)
            except ValueError:
                raise SourceFileError(f"{where}: {cell!r} is not a number (expected DOUBLE)") from None
            if not math.isfinite(number):
                raise SourceFileError(f"{where}: {cell!r} is not a finite number (expected DOUBLE)")
        else:
            low, high = _INTEGER_RANGES[column.sql_type]
            if not _INTEGER.fullmatch(text) or not low <= int(text) <= high:
                raise SourceFileError(f"{where}: {cell!r} is not a whole number (expected {column.sql_type})")
            number = int(text)
        values.append(number)
    dtype = {"VARCHAR": "object", "DOUBLE": "Float64"}.get(column.sql_type, "Int64")
    return pd.Series(values, dtype=dtype, name=column.name)


def _names(source: Source) -> str:
    return ", ".join(c.name for c in source.columns)


# A column most sources share.
YEAR = Column("year", "SMALLINT", "Calendar year the value refers to.", min_value=1900, max_value=2100)
