"""Readers of the indicator sources behind the innovation marts: World Bank, ITU, PATSTAT, NCSES, KITA.

Every file of the data mirror that the innovation domain uses is declared here once, as a
`Source`: where it lives under the raw folder, the raw table it becomes, the type, meaning,
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
        """Declared DuckDB column types, the way `warehouse.replace_rows` takes them."""
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


# ---------------------------------------------------------------------------------------------
# The sources. Column names are those of the file; each raw table keeps them as they are and the
# dbt staging models rename, map codes and convert units.
# ---------------------------------------------------------------------------------------------

YEAR = Column("year", "SMALLINT", "Calendar year the value refers to.", min_value=1900, max_value=2100)

_NCSES_PROVENANCE = (
    "NSF/NCSES Science & Engineering Indicators tables, machine-readable re-exports from "
    "bq-org/ncses_stats_explorer_placeholder output/tables/<id>/data.csv (see PROVENANCE.md)"
)
_NCSES_COMMON = (
    Column("table_id", "INTEGER", "NCSES table id (the number in the NCSES table URL)."),
    Column("table_number", "VARCHAR", "NCSES table number as printed (e.g. SINV-5, S6-18, SKTI-20)."),
)
_NCSES_REGION = (
    Column("region_path", "VARCHAR", "NCSES region hierarchy, e.g. 'World -> Asia -> South Korea'; keys the row."),
    Column("region", "VARCHAR", "Leaf of region_path: a country, economy, region or office name as NCSES writes it."),
)
_NCSES_FLAG = Column("value_flag", "VARCHAR", "NCSES flag on the value (suppressed, estimate ...), if any.", nullable=True)
_KTI_COLUMNS = (
    *_NCSES_COMMON,
    Column("table_title", "VARCHAR", "NCSES table title, with the year span."),
    Column("units", "VARCHAR", "Units as the NCSES table states them (see the source's units note)."),
    Column(
        "region_path", "VARCHAR",
        "NCSES row hierarchy; trade rows start with 'Exports ->' or 'Imports ->'. Keys the row.",
    ),
    Column("region", "VARCHAR", "Leaf of region_path: country, economy or region as NCSES writes it."),
    YEAR,
    Column(
        "value", "DOUBLE", "Value in the table's units (US dollars); empty on heading rows (e.g. 'Exports').",
        nullable=True, min_value=0,
    ),
    _NCSES_FLAG,
)

# WDI levels that cannot be negative (US dollars, people, counts). Not every current-US$
# indicator: royalty payments and receipts and net FDI inflows are balance-of-payments flows,
# negative in the real data (e.g. BX.KLT.DINV.CD.WD of -359 billion).
WDI_NON_NEGATIVE_LEVELS = (
    "NY.GDP.MKTP.CD", "NY.GDP.PCAP.CD", "NY.GDP.PCAP.PP.CD", "NY.GNP.PCAP.CD", "TX.VAL.MRCH.CD.WT", "TX.VAL.TECH.CD",
    "IP.PAT.RESD", "IP.PAT.NRES", "IP.JRN.ARTC.SC", "SP.POP.TOTL",
)

WDI_VALUES = Source(
    table="wdi_indicator_values",
    path="wdi/wdi_selected_long.csv",
    provider="World Bank WDI",
    description=(
        "World Development Indicators for 215 economies, 2003-2023, long form: the R&D/GDP "
        "(GB.XPD.RSDV.GD.ZS) and high-tech export share (TX.VAL.TECH.MF.ZS) components of the "
        "innovation index, and GDP, GNI, patents, trade and ICT controls for the regressions."
    ),
    provenance=(
        "njf0/frankenstein resources/wdi/<CODE>.csv, fetched from the World Bank API in May 2025 "
        "(vintage ~2025), melted to long with empty cells dropped; no regional or income aggregates; "
        "Taiwan is not in WDI."
    ),
    units=(
        "value is in the unit of its indicator (percent, current US$, counts, per 100 people ...): "
        "see raw.wdi_indicators and the seed wdi_indicator_units."
    ),
    columns=(
        Column("country_code", "VARCHAR", "Economy, ISO 3166-1 alpha-3 code."),
        Column(
            "indicator_code", "VARCHAR", "WDI indicator code, e.g. GB.XPD.RSDV.GD.ZS.",
            known_values="wdi_indicator_units.indicator_code",
        ),
        YEAR,
        Column(
            "value", "DOUBLE", "Indicator value, in the indicator's unit (see wdi_indicator_units).",
            row_ranges=(
                RowRange("indicator_code", "wdi_indicator_units.indicator_code[is_bounded_share]", 0, 100),
                RowRange("indicator_code", WDI_NON_NEGATIVE_LEVELS, min_value=0),
            ),
        ),
    ),
    key=("country_code", "indicator_code", "year"),
    min_rows=RowFloor(
        96_590, "the May 2025 extract: 30 indicators of 215 economies, 2003-2023, empty cells "
        "dropped",
    ),
)

WDI_INDICATORS = Source(
    table="wdi_indicators",
    path="wdi/wdi_indicators.csv",
    provider="World Bank WDI",
    description=(
        "Names and World Bank definitions of the 30 WDI indicators in raw.wdi_indicator_values: "
        "the name carries the unit, the description the definition analysts cite."
    ),
    provenance="njf0/frankenstein resources/wdi.csv (World Bank WDI metadata).",
    units="No measurements; the unit of each indicator is in its name and in the seed wdi_indicator_units.",
    columns=(
        Column("indicator_code", "VARCHAR", "WDI indicator code."),
        Column("indicator_name", "VARCHAR", "WDI indicator name, with its unit in parentheses where it has one."),
        Column("description", "VARCHAR", "World Bank definition of the indicator.", nullable=True),
    ),
    key=("indicator_code",),
    min_rows=RowFloor(30, "the 30 indicators of the extract"),
)

WDI_COUNTRIES = Source(
    table="wdi_countries_unm49",
    path="wdi/wdi_countries_unm49.csv",
    provider="UN M49 / World Bank",
    description="Names and UN M49 sub-regions of the economies in the WDI extract, for labels and regional groupings.",
    provenance="njf0/frankenstein resources/un_m49_cleaned.csv, unchanged.",
    units="No measurements.",
    columns=(
        Column("country_name", "VARCHAR", "Economy name."),
        Column("country_code", "VARCHAR", "ISO 3166-1 alpha-3 code."),
        Column("region", "VARCHAR", "UN M49 sub-region (e.g. Eastern Asia).", nullable=True),
    ),
    key=("country_code",),
    min_rows=RowFloor(248, "the 248 economies and territories of the UN M49 list"),
)

WDI_MANUFACTURING_VINTAGE_2013 = Source(
    table="wdi_manufacturing_va_vintage2013",
    path="wdi/wdi_NV.IND.MANF.ZS_vintage2013_long.csv",
    provider="World Bank WDI (December 2013 vintage)",
    description=(
        "Manufacturing value added (% of GDP), NV.IND.MANF.ZS, 1960-2012, from the December 2013 WDI "
        "release: the current-vintage extract lacks this indicator. Kept as its own source because "
        "it is a different vintage from raw.wdi_indicator_values and must not be mixed with it unawares."
    ),
    provenance="ronnywang/worldbank WDI_bundle/parsed/NV.IND.MANF.ZS_WDI.csv (wide to long, empty cells dropped).",
    units="value: percent of GDP (0-100).",
    columns=(
        Column(
            "country_code", "VARCHAR",
            "World Bank code of 2013, ISO3 for economies except legacy codes (ROM, ZAR, KSV, TMP); "
            "also World Bank aggregates (WLD, OEC ...).",
        ),
        Column("country_name", "VARCHAR", "Name as in the 2013 release."),
        Column("indicator_code", "VARCHAR", "Always NV.IND.MANF.ZS."),
        YEAR,
        Column("value", "DOUBLE", "Manufacturing value added, percent of GDP.", min_value=0, max_value=100),
    ),
    key=("country_code", "indicator_code", "year"),
    min_rows=RowFloor(
        6_918, "every non-empty economy-year of the December 2013 release: 218 economies and "
        "aggregates, 1960-2012",
    ),
)

WB_INCOME_GROUP_HISTORY = Source(
    table="wb_income_group_history",
    path="wdi/wb_income_group_history.csv",
    provider="World Bank",
    description=(
        "World Bank historical income classification (OGHIST), FY1989-FY2023: the income group "
        "of every economy in every fiscal year, so that regressions can group data by the class "
        "that applied to that year rather than today's."
    ),
    provenance=(
        "pyarasid/energy_research Historical_income_classification.xlsx, sheet 'Country Analytical "
        "History' (World Bank OGHIST.xlsx, FY21 edition extended to FY23), wide to long, '..' dropped."
    ),
    units="No measurements; classes L, LM, UM, H. gni_data_year = fiscal_year_end - 2.",
    columns=(
        Column("country_code", "VARCHAR", "Economy, World Bank / ISO3 code."),
        Column("country_name", "VARCHAR", "Economy name as in OGHIST."),
        Column("wb_fiscal_year", "VARCHAR", "World Bank fiscal year of the classification, e.g. FY13 (July 2012 - June 2013)."),
        Column("fiscal_year_end", "SMALLINT", "Calendar year in which that fiscal year ends (FY13 -> 2013).", min_value=1900, max_value=2100),
        Column(
            "gni_data_year", "SMALLINT",
            "Calendar year of the GNI per capita the classification is based on (fiscal_year_end - 2).",
            min_value=1900, max_value=2100,
        ),
        Column("income_group_code", "VARCHAR", "L, LM, UM or H (two cells 'LM*' as in the source, Yemen FY89-FY90)."),
        Column("income_group", "VARCHAR", "Low / Lower middle / Upper middle / High income."),
    ),
    key=("country_code", "wb_fiscal_year"),
    min_rows=RowFloor(
        7_222, "OGHIST FY1989-FY2023: 223 economies over 35 fiscal years, unclassified years "
        "('..') dropped",
    ),
)

WB_COUNTRY_CLASSIFICATION = Source(
    table="wb_country_classification",
    path="wdi/wb_country_classification_current.csv",
    provider="World Bank",
    description=(
        "World Bank CLASS list of economies (July 2022 classification): region, current income "
        "group and lending category of every economy, and the aggregate codes, to label and "
        "group economies and to tell aggregates from economies."
    ),
    provenance="pyarasid/energy_research CLASS.xlsx 'List of economies', unchanged apart from column names.",
    units="No measurements.",
    columns=(
        Column("economy", "VARCHAR", "Economy or aggregate name."),
        Column("country_code", "VARCHAR", "World Bank code (ISO3 for economies)."),
        Column("region", "VARCHAR", "World Bank region; empty for aggregates.", nullable=True),
        Column("income_group", "VARCHAR", "Current income group; empty for aggregates and unclassified economies.", nullable=True),
        Column("lending_category", "VARCHAR", "IDA, IBRD or Blend; empty if none.", nullable=True),
        Column("other_emu_hipc", "VARCHAR", "EMU or HIPC membership, if any.", nullable=True),
    ),
    key=("country_code",),
    min_rows=RowFloor(264, "the 218 economies and 46 aggregates of the July 2022 CLASS list"),
    skip_blank_rows=True,  # the all-empty row between economies and aggregates
)

ITU_IDI_2017 = Source(
    table="itu_idi_2017",
    path="itu_idi/itu_idi_2017.csv",
    provider="ITU",
    description=(
        "ITU ICT Development Index 2017 (Measuring the Information Society 2017), 176 economies: "
        "the ICT component of the innovation index."
    ),
    provenance=(
        "mpigmans/WM0824TU-group-9 idi.csv (ITU IDI 2017 values, in publication order); ISO3 mapped "
        "from the ITU names; cross-checked with jakobsk/EoC idi.csv."
    ),
    units="idi_2017: index 0-10 (10 = most developed).",
    columns=(
        Column("idi_rank_2017", "SMALLINT", "Row order of the ITU publication (1 = Iceland); ties keep publication order.", min_value=1),
        Column("iso3", "VARCHAR", "Economy, ISO3 code."),
        Column("itu_country_name", "VARCHAR", "Economy name as ITU writes it."),
        Column("idi_2017", "DOUBLE", "ICT Development Index 2017, 0-10.", min_value=0, max_value=10),
    ),
    key=("iso3",),
    min_rows=RowFloor(176, "the 176 economies ITU ranked in 2017"),
)

PATSTAT_PCT = Source(
    table="patstat_pct_by_tech_level",
    path="patents/patstat_pct_by_country_techlevel_year.csv",
    provider="EPO PATSTAT (Kim & Ozaygen)",
    description=(
        "PCT patent applications by inventor country, OECD manufacturing technology level and "
        "filing year, 2000-2015: numerator and denominator of the high-tech share of patents "
        "(PATSTAT definition: 'High Tech' ÷ all manufacturing-mapped applications)."
    ),
    provenance=(
        "altay-oz/wiod_manufacturing patstat_manuf/country_ind_yearly_pat_tech_sum.csv (the "
        "country.ind key split in two); mapped to NACE rev.2 with the EPO IPC-NACE concordance."
    ),
    units=(
        "pct_patent_count: PCT applications (fractional country shares summed and rounded); a PATSTAT "
        "subset, use for shares, not levels. Filing years 2014-2015 are incomplete."
    ),
    columns=(
        Column("country_iso3", "VARCHAR", "Inventor country, ISO3."),
        Column(
            "tech_level", "VARCHAR", "High Tech, Medium-High Tech, Medium-Low Tech or Low Tech (OECD classes via NACE rev.2).",
            known_values=("High Tech", "Medium-High Tech", "Medium-Low Tech", "Low Tech"),
        ),
        Column("year", "SMALLINT", "PCT filing year.", min_value=1900, max_value=2100),
        Column("pct_patent_count", "INTEGER", "PCT applications mapped to the technology level.", min_value=0),
    ),
    key=("country_iso3", "tech_level", "year"),
    min_rows=RowFloor(
        3_351, "every inventor country, technology level and filing year 2000-2015 with an "
        "application: 146 countries",
    ),
)

NCSES_PATENT_FAMILIES = Source(
    table="ncses_patent_families_by_wipo_field",
    path="ncses_sei/sei_patent_families_by_wipo_field.csv",
    provider="NSF/NCSES",
    description=(
        "International (INPADOC) patent families granted, by inventor economy and WIPO technical "
        "field, 1998-2020 (SEI 2022 tables SINV-4 to SINV-41): the WIPO-field definition of the "
        "high-tech share of patents (families in the fields of the seed wipo_high_tech_fields ÷ all fields)."
    ),
    provenance=_NCSES_PROVENANCE + "; tables 5818-5855 except 5852, years re-attached from the titles.",
    units="value: patent families granted, fractional counts.",
    columns=(
        *_NCSES_COMMON,
        Column("wipo_field", "VARCHAR", "WIPO technical field (35 fields), 'ALL FIELDS' or 'unassigned'."),
        *_NCSES_REGION,
        Column("income_level", "VARCHAR", "NCSES income level of an economy; empty for regions.", nullable=True),
        YEAR,
        Column("value", "DOUBLE", "Patent families granted, fractional count.", nullable=True, min_value=0),
        _NCSES_FLAG,
    ),
    key=("table_id", "wipo_field", "region_path", "year"),
    min_rows=RowFloor(
        42_550, "37 SEI 2022 tables (all fields, 35 WIPO fields, unassigned) of 50 regions and "
        "economies, 1998-2020",
    ),
)

NCSES_PCT_APPLICATIONS = Source(
    table="ncses_pct_applications_by_area",
    path="ncses_sei/sei_pct_applications_by_area.csv",
    provider="NSF/NCSES",
    description=(
        "PCT applications by inventor location, 2000-2022, total and by WIPO technology area (SEI 2024 "
        "SINV-11 to SINV-16): patent activity levels beside the PATSTAT subset."
    ),
    provenance=_NCSES_PROVENANCE + "; tables 10558-10563.",
    units="value: PCT applications, fractional counts.",
    columns=(
        *_NCSES_COMMON,
        Column("tech_area", "VARCHAR", "ALL AREAS or one of 5 WIPO areas (chemistry, electrical engineering, ...)."),
        *_NCSES_REGION,
        YEAR,
        Column("value", "DOUBLE", "PCT applications, fractional count.", nullable=True, min_value=0),
        _NCSES_FLAG,
    ),
    key=("table_id", "tech_area", "region_path", "year"),
    min_rows=RowFloor(17_871, "6 SEI 2024 tables (all areas and 5 WIPO areas) of 142 locations, 2000-2022"),
)

NCSES_KTI = Source(
    table="ncses_kti_value_added_and_trade",
    path="ncses_sei/sei_kti_value_added_and_trade.csv",
    provider="NSF/NCSES",
    description=(
        "Value added of knowledge- and technology-intensive (KTI) industries (2002-2019) and exports "
        "and imports of KTI, high and medium-high R&D intensive products (2003-2018), by economy: "
        "the knowledge-economy context of the innovation index."
    ),
    provenance=_NCSES_PROVENANCE + "; tables 1976-1978, 1992-1994, 6242, 6243, 6248.",
    units="value: millions of current US dollars (as the tables state; checked against each other).",
    columns=_KTI_COLUMNS,
    key=("table_id", "region_path", "year"),
    min_rows=RowFloor(10_206, "9 NCSES tables of value added and trade of 160 region rows, 2002-2019"),
)

NCSES_KTI_TRADE_SELECT = Source(
    table="ncses_kti_trade_select_countries",
    path="ncses_sei/sei_kti_trade_select_countries.csv",
    provider="NSF/NCSES (OECD TiVA 2021)",
    description=(
        "Exports and imports of KTI industries for select economies, 2002-2018 (table 6234, SKTI-20, "
        "from OECD TiVA 2021): the value-added-based view of KTI trade."
    ),
    provenance=_NCSES_PROVENANCE + "; table 6234.",
    units=(
        "value: as published. The table says 'Millions of current dollars' but World exports 2002 = "
        "2,560.6, so the values are billions; staging converts them with the seed ncses_tables and a "
        "dbt test checks the result against table 1992."
    ),
    columns=_KTI_COLUMNS,
    key=("table_id", "region_path", "year"),
    min_rows=RowFloor(
        1_054, "table 6234: exports and imports of 62 region rows, 2002-2018 (heading rows "
        "included)",
    ),
)

OECD_RD_INTENSITY = Source(
    table="oecd_rd_intensity_classification",
    path="ncses_sei/oecd_rd_intensity_classification_isic4.csv",
    provider="OECD via NSF/NCSES",
    description=(
        "OECD taxonomy of ISIC rev.4 industries by R&D intensity (NCSES table 10955): which "
        "industries count as high-tech, to read the technology levels of the other sources."
    ),
    provenance=_NCSES_PROVENANCE + "; table 10955, category forward-filled.",
    units="rd_intensity_pct: business R&D expenditure as percent of gross value added.",
    columns=(
        Column("rd_intensity_category", "VARCHAR", "High / Medium-high / Medium / Medium-low / Low R&D intensity."),
        Column("sector", "VARCHAR", "Manufacturing or Nonmanufacturing."),
        Column("isic_rev4_code", "VARCHAR", "ISIC rev.4 division, group or range (e.g. 26, 303, 62–63, 30X)."),
        Column("industry_name", "VARCHAR", "Industry name."),
        Column("rd_intensity_pct", "DOUBLE", "R&D intensity, percent of value added.", min_value=0, max_value=100),
    ),
    key=("isic_rev4_code",),
    min_rows=RowFloor(44, "the 44 ISIC rev.4 industries of the OECD taxonomy (table 10955)"),
)

NCSES_GERD_GDP = Source(
    table="ncses_gerd_gdp_selected_countries",
    path="ncses_sei/sei_gerd_gdp_selected_countries.csv",
    provider="NSF/NCSES",
    description=(
        "GERD, GDP (billions of current PPP dollars), GERD/GDP and growth rates for selected economies "
        "in 1990/2000/2010/2021 (NCSES table 10937), incl. Taiwan, which WDI lacks: a second source "
        "for the R&D component."
    ),
    provenance=_NCSES_PROVENANCE + "; table 10937, kept as published.",
    units="GERD and GDP: billions of current PPP dollars; GERD-to-GDP ratio: percent; CAGR: percent a year.",
    columns=(
        Column("country", "VARCHAR", "Economy as NCSES writes it (e.g. South Korea, EU-27, Russia (2020))."),
        Column("measure", "VARCHAR", "GERD, GDP, GERD-to-GDP ratio (%) or Longer-term growth rates (CAGR)."),
        Column("period_or_sub", "VARCHAR", "Year (1990, 2000, 2010, 2021a) or, for CAGR rows, the measure (GERD, GDP)."),
        Column("period", "VARCHAR", "CAGR period (e.g. 2000–10); empty on level rows.", nullable=True),
        Column(
            "value", "DOUBLE", "Value in the unit of its measure; NA in the source is NULL.", nullable=True,
            row_ranges=(
                RowRange("measure", ("GERD", "GDP"), min_value=0),
                RowRange("measure", ("GERD-to-GDP ratio (%)",), 0, 100),
            ),
        ),
    ),
    key=("country", "measure", "period_or_sub", "period"),
    min_rows=RowFloor(270, "table 10937: 15 economies, levels in 4 years and growth rates over 3 periods"),
    null_markers=frozenset({"", "NA"}),
)

KITA_PUBLISHED = Source(
    table="kita2021_published_figures",
    path="kita2021_published/kita2021_reshoring_and_innovation_figures.csv",
    provider="KITA 2021 report (as published)",
    description=(
        "Figures published by the KITA report on manufacturing innovation and reshoring (Feb 2021) "
        "and a few labelled MOTIE/FKI follow-ups: the expected values the claims ledger compares "
        "the warehouse's computations with. Never an input to a computation."
    ),
    provenance="Hand-transcribed from public news pages quoting the report; each row has its source_url.",
    units="value: in the row's unit column (rank, firms, percent, percentage_points).",
    columns=(
        Column(
            "figure_id", "VARCHAR", "Identifier of the published figure (claimed in the seed innovation_claims).",
            known_values="innovation_claims.figure_id",
        ),
        Column("country_iso3", "VARCHAR", "Economy, ISO3, or EU for the European Union."),
        Column("metric", "VARCHAR", "What the figure measures, e.g. world_rank_rd_expenditure_pct_gdp."),
        Column("period_start", "SMALLINT", "First year the figure covers; empty for ranks.", nullable=True, min_value=1900, max_value=2100),
        Column("period_end", "SMALLINT", "Last year the figure covers; empty for ranks.", nullable=True, min_value=1900, max_value=2100),
        Column(
            "value", "DOUBLE", "Published value, in unit.",
            row_ranges=(RowRange("unit", ("rank",), min_value=1), RowRange("unit", ("firms",), min_value=0)),
        ),
        Column(
            "unit", "VARCHAR", "rank, firms, percent or percentage_points.",
            known_values=("rank", "firms", "percent", "percentage_points"),
        ),
        Column("source_url", "VARCHAR", "Page the figure was transcribed from."),
        Column("source_note", "VARCHAR", "Who published it and how it was quoted.", nullable=True),
    ),
    key=("figure_id",),
    min_rows=RowFloor(40, "every figure transcribed, each one claimed by the seed innovation_claims"),
)

SOURCES: tuple[Source, ...] = (
    WDI_VALUES,
    WDI_INDICATORS,
    WDI_COUNTRIES,
    WDI_MANUFACTURING_VINTAGE_2013,
    WB_INCOME_GROUP_HISTORY,
    WB_COUNTRY_CLASSIFICATION,
    ITU_IDI_2017,
    PATSTAT_PCT,
    NCSES_PATENT_FAMILIES,
    NCSES_PCT_APPLICATIONS,
    NCSES_KTI,
    NCSES_KTI_TRADE_SELECT,
    OECD_RD_INTENSITY,
    NCSES_GERD_GDP,
    KITA_PUBLISHED,
)
