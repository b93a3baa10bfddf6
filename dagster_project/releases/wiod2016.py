"""Reader for the WIOD 2016 release (2000-2014, 43 economies + ROW, 56 ISIC rev.4 industries).

Files go in `wiod2016/` of the raw folder under their release names, one year each:

* `WIOT2014_October16_ROW.RData` (from the release's `WIOTS_in_R.zip`): an R data frame
  `wiot`, one row per supplying country-industry followed by the rows II_fob, TXSP,
  EXP_adj, PURR, PURNR, VA, IntTTM and GO. Its label columns are IndustryCode,
  IndustryDescription, Country, RNr and Year; the value columns are named country + number:
  `AUS1` ... `AUS56` for intermediate use by the country's industries (number = the
  industry's row number RNr), `AUS57` ... `AUS61` for its final uses CONS_h, CONS_np,
  CONS_g, GFCF and INVEN, and `TOT` for the row total.
* `WIOT2014_Nov16_ROW.xlsx` (the release's workbook, saved as xlsx): the same table on the
  first sheet, with header rows above it: free text (title, units, descriptions), a row of
  column codes (A01 ... U, CONS_h ... INVEN, and TOT/GO for the total) and a row of column
  countries (AUS ... ROW), optionally a row of column numbers (c1 ... c61). The header rows
  are found by their content (the code row holds A01 in the first value column, the country
  row the first supplying country), the data rows by their IndustryCode. Label columns are
  A IndustryCode, B IndustryDescription, C Country, D RNr (and E Year when present); value
  columns start where the code row has A01.

Either way the table is checked to be country-major with the release's 56 industries in
order (see `INDUSTRY_CODES`, from the release's classification `WIOD_IndClass`), and gross
output is the GO row (output at basic prices). Values are millions of current US dollars.
When both layouts of a year are present the RData file is read.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from dagster_project.releases import io_table
from dagster_project.releases.io_table import IoInputError, IoTable

CLASSIFICATION = "wiod2016"
FOLDER = Path("wiod2016")
INDUSTRY_CODES = (
    "A01", "A02", "A03", "B", "C10-C12", "C13-C15", "C16", "C17", "C18", "C19", "C20", "C21",
    "C22", "C23", "C24", "C25", "C26", "C27", "C28", "C29", "C30", "C31_C32", "C33", "D35",
    "E36", "E37-E39", "F", "G45", "G46", "G47", "H49", "H50", "H51", "H52", "H53", "I", "J58",
    "J59_J60", "J61", "J62_J63", "K64", "K65", "K66", "L68", "M69_M70", "M71", "M72", "M73",
    "M74_M75", "N", "O84", "P85", "Q", "R_S", "T", "U",
)  # fmt: skip
FINAL_USE_CODES = ("CONS_h", "CONS_np", "CONS_g", "GFCF", "INVEN")
CAPITAL_FORMATION_CODES = ("GFCF", "INVEN")
# Rows below the country-industries: intermediate consumption, taxes, adjustments, value
# added, margins and output. Only GO is read.
TOTAL_ROWS = ("II_fob", "TXSP", "EXP_adj", "PURR", "PURNR", "VA", "IntTTM", "GO")
OUTPUT_ROW = "GO"
TOTAL_COLUMNS = ("TOT", "GO")
LABEL_COLUMNS = ("IndustryCode", "IndustryDescription", "Country", "RNr", "Year")
RELEASE = io_table.Release(CLASSIFICATION, INDUSTRY_CODES, FINAL_USE_CODES, CAPITAL_FORMATION_CODES)

FILE_NAME = re.compile(r"^WIOT(\d{4})_[A-Za-z]+16_ROW\.(RData|xlsx)$")
_RDATA_COLUMN = re.compile(r"^([A-Za-z]{3})(\d+)$")
_ROW_NUMBER = re.compile(r"^[A-Za-z]?(\d+)(?:\.0*)?$")


def available_years(raw_dir: Path) -> list[int]:
    """Years for which `wiod2016/` holds a table, in either layout."""
    return sorted({int(m.group(1)) for m in _matches(raw_dir)})


def read_year(raw_dir: Path, year: int) -> IoTable:
    """The year's table from its RData file, or from the xlsx workbook if there is none."""
    files = {m.group(2): raw_dir / FOLDER / m.group(0) for m in _matches(raw_dir) if int(m.group(1)) == year}
    if "RData" in files:
        table = read_rdata(files["RData"], year)
    elif "xlsx" in files:
        table = read_xlsx(files["xlsx"], year)
    else:
        raise IoInputError(
            f"{raw_dir / FOLDER}: no WIOT{year}_October16_ROW.RData or WIOT{year}_Nov16_ROW.xlsx "
            f"(see README: refreshing from the official sources)"
        )
    io_table.validate(table)
    return table


def read_rdata(path: Path, year: int) -> IoTable:
    objects = io_table.read_rda(path)
    frame = objects.get("wiot")
    if not isinstance(frame, pd.DataFrame):
        found = ", ".join(map(str, objects)) or "nothing"
        raise IoInputError(f"{path}: expected an R data frame named 'wiot', found {found}")
    missing = [c for c in ("IndustryCode", "Country") if c not in frame.columns]
    if missing:
        raise IoInputError(f"{path}: the data frame wiot lacks the column(s) {', '.join(missing)}")
    value_names = [c for c in frame.columns if c not in LABEL_COLUMNS]
    parsed = [_RDATA_COLUMN.match(str(c)) for c in value_names]
    unknown = [c for c, m in zip(value_names, parsed) if not m and str(c) not in TOTAL_COLUMNS]
    if unknown:
        raise IoInputError(f"{path}: column(s) {', '.join(map(str, unknown[:5]))} are not named country + number")
    numbered = [(c, m) for c, m in zip(value_names, parsed) if m]
    codes = INDUSTRY_CODES + FINAL_USE_CODES

    def label(m: re.Match) -> tuple[str, str]:
        number = int(m.group(2))
        if not 1 <= number <= len(codes):
            raise IoInputError(f"{path}: column {m.group(0)}: numbers run from 1 to {len(codes)}")
        return m.group(1), codes[number - 1]

    return _table(
        path,
        year,
        row_codes=frame["IndustryCode"].astype(str).tolist(),
        row_countries=frame["Country"].astype(str).tolist(),
        row_numbers=frame["RNr"].tolist() if "RNr" in frame.columns else None,
        row_years=frame["Year"].tolist() if "Year" in frame.columns else None,
        col_keys=[label(m) for _, m in numbered],
        values=io_table.numeric(frame[[c for c, _ in numbered]], path, "wiot"),
    )


def read_xlsx(path: Path, year: int) -> IoTable:
    io_table.require_file(path, "a WIOD 2016 workbook")
    try:
        sheet = pd.read_excel(path, sheet_name=0, header=None, dtype=object, engine="calamine")
    except Exception as exc:  # calamine and zipfile raise many types for truncated or foreign files
        raise IoInputError(f"{path}: not a readable xlsx workbook ({type(exc).__name__}: {exc})") from exc
    cells = sheet.to_numpy(dtype=object)
    first_code = np.array([_text(v) for v in cells[:, 0]], dtype=object) if cells.size else np.array([])
    data_rows = np.flatnonzero(np.isin(first_code, INDUSTRY_CODES + TOTAL_ROWS))
    if not len(data_rows):
        raise IoInputError(f"{path}: no row has a WIOD 2016 industry code ({INDUSTRY_CODES[0]} ...) in column A")
    top = int(data_rows[0])
    header = cells[:top]
    first_country = _text(cells[top, 2])
    code_row = next((r for r in range(top) if INDUSTRY_CODES[0] in map(_text, header[r])), None)
    if code_row is None:
        raise IoInputError(f"{path}: no header row above row {top + 1} holds the column codes ({INDUSTRY_CODES[0]} ...)")
    start = [_text(v) for v in header[code_row]].index(INDUSTRY_CODES[0])
    country_row = next((r for r in range(top) if r != code_row and _text(header[r, start]) == first_country), None)
    if country_row is None:
        raise IoInputError(
            f"{path}: no header row above row {top + 1} holds the column countries ({first_country} ...)"
        )
    col_codes = [_text(v) for v in header[code_row, start:]]
    col_countries = [_text(v) for v in header[country_row, start:]]
    keep = [k for k, code in enumerate(col_codes) if code and code not in TOTAL_COLUMNS]
    body = cells[top:]
    body = body[np.array([bool(_text(v)) for v in body[:, 0]])]  # blank rows below the table
    return _table(
        path,
        year,
        row_codes=[_text(v) for v in body[:, 0]],
        row_countries=[_text(v) for v in body[:, 2]],
        row_numbers=list(body[:, 3]) if start > 3 else None,
        row_years=list(body[:, 4]) if start > 4 else None,
        col_keys=[(col_countries[k], col_codes[k]) for k in keep],
        values=io_table.numeric(body[:, [start + k for k in keep]], path, "the table"),
    )


def _table(
    path: Path,
    year: int,
    *,
    row_codes: list[str],
    row_countries: list[str],
    row_numbers: list | None,
    row_years: list | None,
    col_keys: list[tuple[str, str]],
    values: np.ndarray,
) -> IoTable:
    """Split the wide table into country-industry rows and the GO row, and assemble."""
    if OUTPUT_ROW not in row_codes:
        raise IoInputError(f"{path}: no {OUTPUT_ROW} row (output at basic prices)")
    is_industry = np.array([code not in TOTAL_ROWS for code in row_codes])
    unknown = sorted({code for code, ind in zip(row_codes, is_industry) if ind and code not in INDUSTRY_CODES})
    if unknown:
        raise IoInputError(f"{path}: row code(s) {', '.join(unknown[:5])} are not WIOD 2016 industries or total rows")
    rows = np.flatnonzero(is_industry)
    if row_years is not None:
        stored = {int(row_years[r]) for r in rows if not pd.isna(row_years[r])}
        if stored - {year}:
            raise IoInputError(
                f"{path}: the file is named for {year} but its table says year {', '.join(map(str, sorted(stored)))}"
            )
    row_keys = [(row_countries[r], row_codes[r]) for r in rows]
    if row_numbers is not None:
        for r, (country, code) in zip(rows, row_keys):
            number = _row_number(row_numbers[r])
            if number is not None and number != INDUSTRY_CODES.index(code) + 1:
                raise IoInputError(
                    f"{path}: row {country} {code} has RNr {row_numbers[r]}, expected {INDUSTRY_CODES.index(code) + 1}"
                )
    go = values[row_codes.index(OUTPUT_ROW)]
    output_by_column = {key: go[k] for k, key in enumerate(col_keys)}
    try:
        output = np.array([output_by_column[key] for key in row_keys])
    except KeyError as exc:
        raise IoInputError(f"{path}: no column for {' '.join(exc.args[0])}, so no gross output for it") from exc
    return RELEASE.assemble(path, year, row_keys, col_keys, values[rows], output)


def _matches(raw_dir: Path) -> list[re.Match]:
    folder = raw_dir / FOLDER
    return [m for p in sorted(folder.glob("WIOT*")) if (m := FILE_NAME.match(p.name))] if folder.is_dir() else []


def _text(value) -> str:
    """A label cell as text: blank for empty cells, no surrounding spaces."""
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value).strip()


def _row_number(value) -> int | None:
    """RNr as an integer (`5`, `5.0`, `r5` or `c5`), or None when the cell holds no number."""
    m = _ROW_NUMBER.match(_text(value))
    return int(m.group(1)) if m else None
