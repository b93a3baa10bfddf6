"""Readers for the WIOD 2013 release, in the two layouts the data mirror holds.

* `wiod2013/rdata/wiot_YYYY.RData`: the R package bquast/wiod's list `wiot_YYYY` with
  `inter` (N x N), `final` (N x 5 per country), `output` (N), `countries`, `industries`,
  `year`; rows and columns are country-major (country 1 industries c1..c35, country 2 ...).
* `wiod2013/wiod2013_wiot_long.parquet` + `wiod2013/wiod2013_output.csv`: the same tables
  in tidy form (zero cells dropped), used when a year's RData file is absent.

Both are turned into one `WiodYear`, validated before anything is written, so a bad
file fails with a message naming the file and what was expected, and the warehouse is
never touched by half a year.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

CLASSIFICATION = "wiod2013"
# WIOD 2013 final-use columns per country, in table order (Timmer ed. 2012, WIOD WP 10).
FINAL_USE_CODES = ("c37", "c38", "c39", "c41", "c42")
# Capital formation can be negative (net disposals of fixed assets in c41, inventory
# draw-downs in c42; the real 1995-2011 tables have both); consumption cannot.
CAPITAL_FORMATION_CODES = ("c41", "c42")

RDATA_DIR = Path("wiod2013") / "rdata"
TIDY_FLOWS = Path("wiod2013") / "wiod2013_wiot_long.parquet"
TIDY_OUTPUT = Path("wiod2013") / "wiod2013_output.csv"

_RDATA_NAME = re.compile(r"wiot_(\d{4})\.RData$")


class WiodInputError(ValueError):
    """A WIOD source file is unreadable or not what the layout promises."""


@dataclass(frozen=True)
class WiodYear:
    """One year of the world input-output table, in millions of current US dollars."""

    year: int
    source: Path
    countries: tuple[str, ...]
    industries: tuple[str, ...]
    inter: np.ndarray  # (N, N): row = supplying country-industry, column = using one
    final: np.ndarray  # (N, n_countries * len(FINAL_USE_CODES))
    output: np.ndarray  # (N,): gross output

    @property
    def size(self) -> int:
        return len(self.countries) * len(self.industries)

    def row_labels(self) -> tuple[np.ndarray, np.ndarray]:
        countries = np.repeat(np.array(self.countries, dtype=object), len(self.industries))
        industries = np.tile(np.array(self.industries, dtype=object), len(self.countries))
        return countries, industries

    def flows_frame(self) -> pd.DataFrame:
        """Non-zero cells of the intermediate and final blocks, one row per cell."""
        row_country, row_industry = self.row_labels()
        final_country = np.repeat(np.array(self.countries, dtype=object), len(FINAL_USE_CODES))
        final_use = np.tile(np.array(FINAL_USE_CODES, dtype=object), len(self.countries))
        frames = []
        for block, col_country, col_use, use_type in (
            (self.inter, row_country, row_industry, "intermediate"),
            (self.final, final_country, final_use, "final"),
        ):
            rows, cols = np.nonzero(block)
            frames.append(
                pd.DataFrame(
                    {
                        "row_country": row_country[rows],
                        "row_industry": row_industry[rows],
                        "col_country": col_country[cols],
                        "col_use": col_use[cols],
                        "use_type": use_type,
                        "value_usd_m": block[rows, cols],
                    }
                )
            )
        flows = pd.concat(frames, ignore_index=True)
        flows.insert(0, "year", self.year)
        flows.insert(0, "classification", CLASSIFICATION)
        return flows

    def gross_output_frame(self) -> pd.DataFrame:
        country, industry = self.row_labels()
        return pd.DataFrame(
            {
                "classification": CLASSIFICATION,
                "year": self.year,
                "country_code": country,
                "industry_code": industry,
                "gross_output_usd_m": self.output,
            }
        )


def available_years(raw_dir: Path) -> list[int]:
    """Years for which the raw folder holds a WIOD 2013 table, in either layout."""
    years = {
        int(m.group(1))
        for p in (raw_dir / RDATA_DIR).glob("wiot_*.RData")
        if (m := _RDATA_NAME.search(p.name))
    }
    tidy = raw_dir / TIDY_FLOWS
    if tidy.exists():
        try:
            rows = duckdb.sql(
                f"select distinct year from read_parquet('{_sql_path(tidy)}')"
            ).fetchall()
        except duckdb.Error as exc:
            raise WiodInputError(f"{tidy}: not a readable Parquet file ({exc})") from exc
        years.update(int(y) for (y,) in rows)
    return sorted(years)


def read_year(raw_dir: Path, year: int) -> WiodYear:
    """The year's table from its RData file, or from the tidy Parquet if there is none."""
    rdata_path = raw_dir / RDATA_DIR / f"wiot_{year}.RData"
    if rdata_path.exists():
        table = read_rdata(rdata_path, year)
    elif (raw_dir / TIDY_FLOWS).exists():
        table = read_tidy(raw_dir / TIDY_FLOWS, raw_dir / TIDY_OUTPUT, year)
    else:
        raise WiodInputError(
            f"{rdata_path}: missing, and no tidy table at {raw_dir / TIDY_FLOWS} to fall back on "
            f"(run `make data` to fill {raw_dir})"
        )
    validate(table)
    return table


def read_rdata(path: Path, year: int) -> WiodYear:
    import rdata  # imported here: only this layout needs it

    try:
        with warnings.catch_warnings():
            # The R class "iot" has no Python constructor; its list is what we want.
            warnings.simplefilter("ignore", UserWarning)
            objects = rdata.read_rda(path)
    except Exception as exc:  # rdata raises many types for truncated or foreign files
        raise WiodInputError(
            f"{path}: not a readable RData file ({type(exc).__name__}: {exc})"
        ) from exc

    name = f"wiot_{year}"
    if name not in objects:
        found = ", ".join(map(str, objects)) or "nothing"
        raise WiodInputError(f"{path}: expected an R object named {name!r}, found {found}")
    wiot = objects[name]
    missing = {"year", "countries", "industries", "inter", "final", "output"} - set(map(str, wiot))
    if missing:
        raise WiodInputError(f"{path}: {name} lacks the element(s) {', '.join(sorted(missing))}")

    def matrix(key: str) -> np.ndarray:
        try:
            return np.asarray(getattr(wiot[key], "values", wiot[key]), dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise WiodInputError(f"{path}: {name}${key} is not numeric ({exc})") from exc

    stored_year = int(np.asarray(wiot["year"]).ravel()[0])
    if stored_year != year:
        raise WiodInputError(
            f"{path}: the file is named for {year} but its table says year {stored_year}"
        )
    return WiodYear(
        year=year,
        source=path,
        countries=tuple(str(c) for c in np.asarray(wiot["countries"]).ravel()),
        industries=tuple(str(i) for i in np.asarray(wiot["industries"]).ravel()),
        inter=matrix("inter"),
        final=matrix("final"),
        output=matrix("output").ravel(),
    )


def read_tidy(flows_path: Path, output_path: Path, year: int) -> WiodYear:
    """Rebuild the dense year table from the tidy Parquet and the output CSV."""
    if not output_path.exists():
        raise WiodInputError(f"{output_path}: missing; the tidy layout needs it for gross output")
    try:
        output = duckdb.sql(
            f"select country, industry, gross_output from read_csv('{_sql_path(output_path)}', "
            f"header=true) where year = {int(year)}"
        ).df()
        flows = duckdb.sql(
            f"select row_country, row_industry, col_country, col_use, use_type, value "
            f"from read_parquet('{_sql_path(flows_path)}') where year = {int(year)}"
        ).df()
    except duckdb.Error as exc:
        raise WiodInputError(f"{flows_path} / {output_path}: unreadable ({exc})") from exc
    if output.empty:
        raise WiodInputError(f"{output_path}: no rows for year {year}")

    countries = tuple(dict.fromkeys(output["country"]))
    industries = tuple(dict.fromkeys(output["industry"]))
    pos = {(c, i): k for k, (c, i) in enumerate((c, i) for c in countries for i in industries)}
    final_pos = {
        (c, u): k for k, (c, u) in enumerate((c, u) for c in countries for u in FINAL_USE_CODES)
    }
    n = len(pos)
    inter = np.zeros((n, n))
    final = np.zeros((n, len(final_pos)))
    try:
        rows = np.array([pos[k] for k in zip(flows["row_country"], flows["row_industry"])])
        is_inter = (flows["use_type"] == "intermediate").to_numpy()
        cols_inter = [pos[k] for k in zip(flows["col_country"][is_inter], flows["col_use"][is_inter])]
        cols_final = [
            final_pos[k] for k in zip(flows["col_country"][~is_inter], flows["col_use"][~is_inter])
        ]
    except KeyError as exc:
        raise WiodInputError(
            f"{flows_path}: year {year} has a cell for {exc.args[0]}, which is not a "
            f"country-industry or final use of {output_path}"
        ) from exc
    values = flows["value"].to_numpy(dtype=np.float64)
    inter[rows[is_inter], cols_inter] = values[is_inter]
    final[rows[~is_inter], cols_final] = values[~is_inter]
    gross = np.zeros(n)
    gross[[pos[k] for k in zip(output["country"], output["industry"])]] = output["gross_output"]
    return WiodYear(year, flows_path, countries, industries, inter, final, gross)


def validate(table: WiodYear) -> None:
    """Shape and sign checks that must hold before a year may replace the stored one."""
    src, n = table.source, table.size
    n_final = len(table.countries) * len(FINAL_USE_CODES)
    expected = {"inter": (n, n), "final": (n, n_final), "output": (n,)}
    for key, shape in expected.items():
        actual = getattr(table, key).shape
        if actual != shape:
            raise WiodInputError(
                f"{src}: {key} has shape {actual}, expected {shape} for "
                f"{len(table.countries)} countries x {len(table.industries)} industries"
            )
    for key in expected:
        block = getattr(table, key)
        bad = np.argwhere(~np.isfinite(block))
        if len(bad):
            raise WiodInputError(f"{src}: {key} has a missing or non-numeric value at {_cell(table, key, bad[0])}")
    negative = np.argwhere(table.inter < 0)
    if len(negative):
        raise WiodInputError(
            f"{src}: intermediate flow {_cell(table, 'inter', negative[0])} is negative; "
            f"intermediate flows must be >= 0"
        )
    consumption = np.array([u not in CAPITAL_FORMATION_CODES for u in FINAL_USE_CODES] * len(table.countries))
    negative = np.argwhere(table.final[:, consumption] < 0)
    if len(negative):
        row, col = negative[0]
        col = np.flatnonzero(consumption)[col]
        raise WiodInputError(
            f"{src}: final use {_cell(table, 'final', (row, col))} is negative; only capital "
            f"formation ({', '.join(CAPITAL_FORMATION_CODES)}) may be"
        )
    negative = np.flatnonzero(table.output < 0)
    if len(negative):
        raise WiodInputError(
            f"{src}: gross output of {_cell(table, 'output', negative[:1])} is "
            f"{table.output[negative[0]]:g}; gross output must be >= 0"
        )


def _cell(table: WiodYear, block: str, index) -> str:
    countries, industries = table.row_labels()
    row = int(index[0])
    where = f"row {row + 1} ({countries[row]} {industries[row]})"
    if len(index) > 1:
        col = int(index[1])
        if block == "inter":
            where += f", column {col + 1} ({countries[col]} {industries[col]})"
        else:
            k = len(FINAL_USE_CODES)
            where += f", column {col + 1} ({table.countries[col // k]} {FINAL_USE_CODES[col % k]})"
    return where


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")
