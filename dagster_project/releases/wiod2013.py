"""Readers for the WIOD 2013 release, in the two layouts the data mirror holds.

* `wiod2013/rdata/wiot_YYYY.RData`: the R package bquast/wiod's list `wiot_YYYY` with
  `inter` (N x N), `final` (N x 5 per country), `output` (N), `countries`, `industries`,
  `year`; rows and columns are country-major (country 1 industries c1..c35, country 2 ...).
* `wiod2013/wiod2013_wiot_long.parquet` + `wiod2013/wiod2013_output.csv`: the same tables
  in tidy form (zero cells dropped), used when a year's RData file is absent.

Both are turned into one `IoTable` (dagster_project/releases/io_table.py, classification
`wiod2013`), validated before anything is written, so a bad file fails with a message
naming the file and what was expected, and the warehouse is never touched by half a year.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import numpy as np

from dagster_project.releases import io_table
from dagster_project.releases.io_table import IoInputError, IoTable
from dagster_project.storage.tables import sql_path

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


# The reader keeps the industries the file lists (c1..c35 in the release).
RELEASE = io_table.Release(
    CLASSIFICATION, tuple(f"c{i}" for i in range(1, 36)), FINAL_USE_CODES, CAPITAL_FORMATION_CODES
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
                f"select distinct year from read_parquet('{sql_path(tidy)}')"
            ).fetchall()
        except duckdb.Error as exc:
            raise IoInputError(f"{tidy}: not a readable Parquet file ({exc})") from exc
        years.update(int(y) for (y,) in rows)
    return sorted(years)


def read_year(raw_dir: Path, year: int) -> IoTable:
    """The year's table from its RData file, or from the tidy Parquet if there is none."""
    rdata_path = raw_dir / RDATA_DIR / f"wiot_{year}.RData"
    if rdata_path.exists():
        table = read_rdata(rdata_path, year)
    elif (raw_dir / TIDY_FLOWS).exists():
        table = read_tidy(raw_dir / TIDY_FLOWS, raw_dir / TIDY_OUTPUT, year)
    else:
        raise IoInputError(
            f"{rdata_path}: missing, and no tidy table at {raw_dir / TIDY_FLOWS} to fall back on "
            f"(run `make data` to fill {raw_dir})"
        )
    io_table.validate(table)
    return table


def read_rdata(path: Path, year: int) -> IoTable:
    objects = io_table.read_rda(path)
    name = f"wiot_{year}"
    if name not in objects:
        found = ", ".join(map(str, objects)) or "nothing"
        raise IoInputError(f"{path}: expected an R object named {name!r}, found {found}")
    wiot = objects[name]
    missing = {"year", "countries", "industries", "inter", "final", "output"} - set(map(str, wiot))
    if missing:
        raise IoInputError(f"{path}: {name} lacks the element(s) {', '.join(sorted(missing))}")

    def matrix(key: str) -> np.ndarray:
        try:
            return np.asarray(getattr(wiot[key], "values", wiot[key]), dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise IoInputError(f"{path}: {name}${key} is not numeric ({exc})") from exc

    stored_year = int(np.asarray(wiot["year"]).ravel()[0])
    if stored_year != year:
        raise IoInputError(
            f"{path}: the file is named for {year} but its table says year {stored_year}"
        )
    return RELEASE.table(
        year,
        path,
        countries=(str(c) for c in np.asarray(wiot["countries"]).ravel()),
        industries=(str(i) for i in np.asarray(wiot["industries"]).ravel()),
        inter=matrix("inter"),
        final=matrix("final"),
        output=matrix("output").ravel(),
    )


def read_tidy(flows_path: Path, output_path: Path, year: int) -> IoTable:
    """Rebuild the dense year table from the tidy Parquet and the output CSV."""
    if not output_path.exists():
        raise IoInputError(f"{output_path}: missing; the tidy layout needs it for gross output")
    try:
        output = duckdb.sql(
            f"select country, industry, gross_output from read_csv('{sql_path(output_path)}', "
            f"header=true) where year = {int(year)}"
        ).df()
        flows = duckdb.sql(
            f"select row_country, row_industry, col_country, col_use, use_type, value "
            f"from read_parquet('{sql_path(flows_path)}') where year = {int(year)}"
        ).df()
    except duckdb.Error as exc:
        raise IoInputError(f"{flows_path} / {output_path}: unreadable ({exc})") from exc
    if output.empty:
        raise IoInputError(f"{output_path}: no rows for year {year}")

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
        raise IoInputError(
            f"{flows_path}: year {year} has a cell for {exc.args[0]}, which is not a "
            f"country-industry or final use of {output_path}"
        ) from exc
    values = flows["value"].to_numpy(dtype=np.float64)
    inter[rows[is_inter], cols_inter] = values[is_inter]
    final[rows[~is_inter], cols_final] = values[~is_inter]
    gross = np.zeros(n)
    gross[[pos[k] for k in zip(output["country"], output["industry"])]] = output["gross_output"]
    return RELEASE.table(year, flows_path, countries, industries, inter, final, gross)
