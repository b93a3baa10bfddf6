"""Reader for the OECD Inter-Country Input-Output tables (ICIO), CSV layout of the 2021 edition.

Files go in `oecd_icio/` of the raw folder under their release names, `ICIO2021_2018.csv`
(edition, table year). When several editions hold the same year the latest edition is read.
The layout assumed:

* first row: column labels, the first cell blank (or any row-label header);
* first column: row labels; every other cell a number, millions of current US dollars;
* country-industry labels `{country}_{industry}` on both axes, e.g. `AUS_D01T02`, with the
  edition's 45 ISIC rev.4 industries (`INDUSTRY_CODES`; a label written without the `D`,
  `AUS_01T02`, is read as the same industry);
* final-demand columns `{country}_{use}` for HFCE (households), NPISH, GGFC (government),
  GFCF, INVNT (changes in inventories) and DPABR (direct purchases abroad by residents);
* total and factor labels without a country: the column `OUT` (gross output of the row)
  and the rows `TLS` (taxes less subsidies), `VA` (value added) and `OUT` (gross output of
  the column). `OUTPUT`/`TOTAL` and `{country}_TAXSUB`/`_VALU` are accepted as the same;
* China and Mexico are split into `CN1`/`CN2` and `MX1`/`MX2` (processing and
  non-processing firms) in some rows and columns: they are added into `CHN` and `MEX`, the
  economies every other source knows.

Gross output is the OUT column (the OUT row when the column is absent). GFCF, INVNT and
DPABR may be negative; every other cell must be >= 0.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from dagster_project.releases import io_table
from dagster_project.releases.io_table import IoInputError, IoTable

CLASSIFICATION = "oecd_icio"
FOLDER = Path("oecd_icio")
INDUSTRY_CODES = (
    "D01T02", "D03", "D05T06", "D07T08", "D09", "D10T12", "D13T15", "D16", "D17T18", "D19",
    "D20", "D21", "D22", "D23", "D24", "D25", "D26", "D27", "D28", "D29", "D30", "D31T33",
    "D35", "D36T39", "D41T43", "D45T47", "D49", "D50", "D51", "D52", "D53", "D55T56",
    "D58T60", "D61", "D62T63", "D64T66", "D68", "D69T75", "D77T82", "D84", "D85", "D86T88",
    "D90T93", "D94T96", "D97T98",
)  # fmt: skip
FINAL_USE_CODES = ("HFCE", "NPISH", "GGFC", "GFCF", "INVNT", "DPABR")
NEGATIVE_FINAL_USES = ("GFCF", "INVNT", "DPABR")
OUTPUT_LABELS = ("OUT", "OUTPUT", "TOTAL")
FACTOR_LABELS = ("TLS", "VA", "TAXSUB", "VALU")
SPLIT_ECONOMIES = {"CN1": "CHN", "CN2": "CHN", "MX1": "MEX", "MX2": "MEX"}
RELEASE = io_table.Release(CLASSIFICATION, INDUSTRY_CODES, FINAL_USE_CODES, NEGATIVE_FINAL_USES)

FILE_NAME = re.compile(r"^ICIO(\d{4})_(\d{4})\.csv$", re.IGNORECASE)


def available_years(raw_dir: Path) -> list[int]:
    """Table years for which `oecd_icio/` holds a CSV of any edition."""
    return sorted(_files_by_year(raw_dir))


def read_year(raw_dir: Path, year: int) -> IoTable:
    path = _files_by_year(raw_dir).get(year)
    if path is None:
        raise IoInputError(
            f"{raw_dir / FOLDER}: no ICIO*_{year}.csv (see README: refreshing from the official sources)"
        )
    table = read_csv(path, year)
    io_table.validate(table)
    return table


def read_csv(path: Path, year: int) -> IoTable:
    io_table.require_file(path, "an ICIO CSV table")
    try:
        frame = pd.read_csv(path, index_col=0, low_memory=False)
    except Exception as exc:  # pandas raises many types for truncated or foreign files
        raise IoInputError(f"{path}: not a readable CSV table ({type(exc).__name__}: {exc})") from exc
    row_kinds = [label_kind(label) for label in frame.index]
    col_kinds = [label_kind(label) for label in frame.columns]
    for axis, kinds, labels in (("row", row_kinds, frame.index), ("column", col_kinds, frame.columns)):
        bad = [str(label) for label, kind in zip(labels, kinds) if kind is None]
        if bad:
            raise IoInputError(
                f"{path}: {axis} label(s) {', '.join(bad[:5])} are neither country_industry, "
                f"country_final-use nor a total ({', '.join(OUTPUT_LABELS + FACTOR_LABELS)})"
            )
    values = io_table.numeric(frame, path, "the table")
    blank = np.argwhere(~np.isfinite(values))
    if len(blank):  # before CN1/CN2 are summed into CHN, which would read a blank as 0
        row, col = blank[0]
        raise IoInputError(
            f"{path}: missing or non-numeric value at row {frame.index[row]}, column {frame.columns[col]}"
        )
    is_row = np.array([kind == "cell" for kind in row_kinds])
    is_col = np.array([kind == "cell" for kind in col_kinds])
    out_rows = [k for k, kind in enumerate(row_kinds) if kind == "output"]
    out_cols = [k for k, kind in enumerate(col_kinds) if kind == "output"]
    if not out_rows and not out_cols:
        raise IoInputError(f"{path}: no OUT column or row (gross output)")

    row_keys = [_split(label) for label in frame.index[is_row]]
    col_keys = [_split(label) for label in frame.columns[is_col]]
    body = pd.DataFrame(
        values[np.ix_(is_row, is_col)],
        index=pd.MultiIndex.from_tuples(row_keys),
        columns=pd.MultiIndex.from_tuples(col_keys),
    )
    if out_cols:
        output = pd.Series(values[is_row, out_cols[0]], index=body.index)
    else:  # the OUT row: gross output of each column country-industry
        output = pd.Series(values[out_rows[0], is_col], index=body.columns)
        output = output[output.index.isin(body.index)]
    # CN1/CN2 and MX1/MX2 into CHN and MEX, keeping the order economies first appear in.
    body = body.groupby(level=[0, 1], sort=False).sum().T.groupby(level=[0, 1], sort=False).sum().T
    output = output.groupby(level=[0, 1], sort=False).sum()
    body, output = _country_major(path, body, output)
    return RELEASE.assemble(
        path, year, list(body.index), list(body.columns), body.to_numpy(), output.reindex(body.index).to_numpy()
    )


def _country_major(path: Path, body: pd.DataFrame, output: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    """Rows in country-major order with the edition's industries in order for each economy.

    A CN1/MX1 row block, merged into CHN/MEX, may have moved the merged economy's rows out
    of place; every economy must still have every industry, or `assemble` says which is missing.
    """
    countries = list(dict.fromkeys(country for country, _ in body.index))
    order = pd.MultiIndex.from_tuples([(c, i) for c in countries for i in INDUSTRY_CODES])
    present = set(body.index)
    missing = [key for key in order if key not in present]
    extra = [key for key in body.index if key[1] not in INDUSTRY_CODES]
    if extra:
        raise IoInputError(
            f"{path}: row industry {extra[0][0]}_{extra[0][1]} is not an industry of the "
            f"ICIO 2021 edition ({INDUSTRY_CODES[0]} ... {INDUSTRY_CODES[-1]}); a later edition "
            f"needs its codes in oecd_icio.INDUSTRY_CODES and the seeds"
        )
    if missing:
        return body, output  # assemble names the first row out of place
    return body.reindex(order), output.reindex(order)


def label_kind(label) -> str | None:
    """What a row or column label is: a table cell, the output total, a factor row, or unknown."""
    text = str(label).strip()
    if text in OUTPUT_LABELS:
        return "output"
    if text in FACTOR_LABELS:
        return "factor"
    country, sep, code = text.partition("_")
    if not sep or not re.fullmatch(r"[A-Z][A-Z0-9]{2}", country) or not code:
        return None
    if code in OUTPUT_LABELS:
        return "output"
    if code in FACTOR_LABELS:
        return "factor"
    return "cell"


def _split(label) -> tuple[str, str]:
    country, _, code = str(label).strip().partition("_")
    if code[:1].isdigit():
        code = "D" + code
    return SPLIT_ECONOMIES.get(country, country), code


def _files_by_year(raw_dir: Path) -> dict[int, Path]:
    """The latest edition's file for each table year."""
    folder = raw_dir / FOLDER
    if not folder.is_dir():
        return {}
    found: dict[int, tuple[int, Path]] = {}
    for path in sorted(folder.iterdir()):
        m = FILE_NAME.match(path.name)
        if m:
            edition, year = int(m.group(1)), int(m.group(2))
            if year not in found or edition > found[year][0]:
                found[year] = (edition, path)
    return {year: path for year, (_, path) in found.items()}
