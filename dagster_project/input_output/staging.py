"""The input-output stage outside Dagster: stage a year as audited Parquet, then load staged years.

`stage_year` does the heavy work of a year (parse every release's file, audit the tables,
solve for the Leontief multipliers and the value added (proxy) embodied in final demand and
exports, from one LU factorisation) in a private in-memory DuckDB over Parquet files it
writes to a folder of its own, so any number of years can be staged at once. `load_year`
writes one audited year into the lake in one transaction, which takes a fraction of the
staging time; years load side by side (the lake admits concurrent writers).

The audit and the Leontief step read the staged files through views named like the
warehouse tables (`raw.wiod_flows`, `raw.wiod_gross_output`), so the same SQL checks and
the same Z-building query serve the staged files and the warehouse alike.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from dagster_project.input_output import leontief
from dagster_project.input_output.tables import (
    FLOWS,
    FLOWS_COLUMNS,
    GROSS_OUTPUT,
    GROSS_OUTPUT_COLUMNS,
    MULTIPLIER_COLUMNS,
    MULTIPLIERS,
    VALUE_ADDED_BY_ORIGIN,
    VALUE_ADDED_BY_ORIGIN_COLUMNS,
    VALUE_ADDED_MULTIPLIER_COLUMNS,
    VALUE_ADDED_MULTIPLIERS,
    as_categories,
)
from dagster_project.quality.io_audit import YearAudit, audit_year
from dagster_project.releases import registry
from dagster_project.storage.lake import transactions
from dagster_project.storage.tables import ensure_table, replace_rows_from, sql_path

# Table -> (declared columns, file stem): staged files are `<classification>__<stem>.parquet`.
STAGED_TABLES = {
    FLOWS: (FLOWS_COLUMNS, "flows"),
    GROSS_OUTPUT: (GROSS_OUTPUT_COLUMNS, "gross_output"),
    MULTIPLIERS: (MULTIPLIER_COLUMNS, "multipliers"),
    VALUE_ADDED_BY_ORIGIN: (VALUE_ADDED_BY_ORIGIN_COLUMNS, "value_added_by_origin"),
    VALUE_ADDED_MULTIPLIERS: (VALUE_ADDED_MULTIPLIER_COLUMNS, "value_added_multipliers"),
}
# What the Leontief step writes for a year that passed its audit (one factorisation for all of them).
SOLVED_TABLES = (MULTIPLIERS, VALUE_ADDED_BY_ORIGIN, VALUE_ADDED_MULTIPLIERS)

YEAR_PARTITIONS = ("year",)


@dataclass(frozen=True)
class StagedYear:
    """One staged year: its releases (in read order), where their files are, and its audit."""

    year: int
    releases: tuple[str, ...]
    folder: Path
    audit: YearAudit

    def parquet(self, table: str) -> str:
        """`read_parquet` over the table's files, release by release in read order (rows keep that order)."""
        return staged_parquet(self.folder, table, self.releases)


def staged_path(folder: Path, table: str, classification: str) -> Path:
    return folder / f"{classification}__{STAGED_TABLES[table][1]}.parquet"


def staged_parquet(folder: Path, table: str, classifications: tuple[str, ...]) -> str:
    files = ", ".join(f"'{sql_path(staged_path(folder, table, c))}'" for c in classifications)
    return f"read_parquet([{files}])"


def stage_year(
    raw_dir: Path,
    year: int,
    folder: Path,
    log: Callable[[str], None] = lambda _: None,
) -> StagedYear:
    """Parse, audit and solve one year into `folder`; multipliers and value added only for a year that passed its audit.

    Raises IoInputError (naming the file and what was expected) for an unreadable release file.
    """
    tables = registry.read_tables(raw_dir, year)
    _make_year_folder(folder)
    read = tuple(t.classification for t in tables)
    # One DuckDB thread: years are staged side by side, one per core. BLAS keeps its threads:
    # the LU factorisation's last bits depend on their number, and the multipliers must not
    # change with how a run is executed.
    with duckdb.connect(config={"threads": 1}) as con:
        for table in tables:
            log(
                f"{year}: read {table.classification} {table.source.name} "
                f"({len(table.countries)} economies x {len(table.industries)} industries)"
            )
            _write_parquet(con, table.flows_frame(), FLOWS_COLUMNS, staged_path(folder, FLOWS, table.classification))
            _write_parquet(
                con, table.gross_output_frame(), GROSS_OUTPUT_COLUMNS,
                staged_path(folder, GROSS_OUTPUT, table.classification),
            )
        for name in (FLOWS, GROSS_OUTPUT):
            con.execute(f"create schema if not exists {name.split('.')[0]}")
            con.execute(f"create view {name} as select * from {staged_parquet(folder, name, read)}")
        audit = audit_year(con, year)
        if audit.passed:
            for classification in read:
                log(f"{year}: Leontief multipliers and value added (proxy) of {classification}")
                frames = leontief_frames(con, year, classification)
                for table in SOLVED_TABLES:
                    _write_parquet(con, frames[table], STAGED_TABLES[table][0], staged_path(folder, table, classification))
    return StagedYear(year, read, folder, audit)


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the IO tables, partitioned by year, before years are written side by side.

    Two writers creating one table at once would conflict; created once up front, they don't.
    """
    for attempt in transactions(con):
        with attempt:
            for table, (columns, _) in STAGED_TABLES.items():
                ensure_table(con, table, columns, partitioned_by=YEAR_PARTITIONS)


def load_year(con: duckdb.DuckDBPyConnection, staged: StagedYear) -> None:
    """Replace the staged year's rows in every IO table (inside a `lake.transactions` attempt; audited years only).

    The year's rows of every release are replaced, so a release no longer read for it (its file
    left the raw folder) leaves the warehouse with it. The tables are partitioned by year, so
    writers of different years never touch the same data file.
    """
    for table, (columns, _) in STAGED_TABLES.items():
        replace_rows_from(
            con, table, columns, staged.parquet(table), "year = ?", [staged.year], partitioned_by=YEAR_PARTITIONS
        )


def _make_year_folder(folder: Path, attempts: int = 3) -> None:
    """Create a year's folder in its run's folder, which a year of the same run finishing at that
    moment may remove (remove_staged_year) between creating the run's folder and the year's:
    tried again then; a folder that still cannot be made raises."""
    for _ in range(attempts - 1):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            return
        except FileNotFoundError:
            continue
    folder.mkdir(parents=True, exist_ok=True)


def remove_staged(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def remove_staged_year(folder: Path) -> None:
    """Remove a year's staged files, and its run's folder once no other year of the run is in it
    (each worker of the Celery executor has a staging folder of its own, and only one of them
    ends the run's staging)."""
    remove_staged(folder)
    with contextlib.suppress(OSError):  # not empty: another year of the run is staging there
        folder.parent.rmdir()


def remove_finished_runs(staging_dir: Path, instance) -> None:
    """Remove the staging folders of runs that are over (a run whose staging failed leaves its folder)."""
    if not staging_dir.is_dir():
        return
    for folder in staging_dir.iterdir():
        run = instance.get_run_by_id(folder.name)
        if run is None or run.is_finished:
            remove_staged(folder)


@dataclass(frozen=True)
class YearMatrices:
    """One release's year as matrices, country-industries numbered country-major (codes sorted)."""

    countries: np.ndarray
    industries: np.ndarray
    row_countries: np.ndarray  # (N,) country of each row / column
    row_industries: np.ndarray  # (N,) industry of each row / column
    output: np.ndarray  # (N,) the release's gross output
    inter: np.ndarray  # (N, N) Z
    final: np.ndarray  # (N, n_countries): final use by using country, every final-use category summed


def year_matrices(con, year: int, classification: str, *, final: bool = True) -> YearMatrices:
    """Build Z, x (and the final demand of each country) for one year from the raw tables `con` sees.

    Country-industries are numbered country-major in SQL, so each country's block of A is
    contiguous, and the flows arrive already as (row position, column position, value).
    """
    output = con.execute(
        f"select country_code, industry_code, gross_output_usd_m from {GROSS_OUTPUT} "
        "where classification = ? and year = ? order by country_code, industry_code",
        [classification, year],
    ).df()
    if output.empty:
        raise ValueError(f"{GROSS_OUTPUT} has no rows for {classification} {year}")
    countries = output["country_code"].unique()
    industries = output["industry_code"].unique()
    n_ind, n = len(industries), len(output)
    if n != len(countries) * n_ind:
        raise ValueError(
            f"{GROSS_OUTPUT} {year}: {n} rows, expected every one of "
            f"{len(countries)} countries x {n_ind} industries"
        )
    positions = f"""
        with positions as (
            select country_code, industry_code,
                   row_number() over (order by country_code, industry_code) - 1 as pos,
                   dense_rank() over (order by country_code) - 1 as country_pos
            from {GROSS_OUTPUT} where classification = $classification and year = $year
        )"""
    params = {"classification": classification, "year": year}
    cells = con.execute(
        f"""{positions}
        select r.pos as row_pos, c.pos as col_pos, f.value_usd_m
        from {FLOWS} f
        join positions r on r.country_code = f.row_country and r.industry_code = f.row_industry
        join positions c on c.country_code = f.col_country and c.industry_code = f.col_use
        where f.classification = $classification and f.year = $year and f.use_type = 'intermediate'
        """,
        params,
    ).fetchnumpy()
    inter = np.zeros((n, n))
    inter[cells["row_pos"], cells["col_pos"]] = cells["value_usd_m"]
    final_by_country = np.zeros((n, len(countries)))
    if final:
        # Every final-use category of the using country, summed (in a fixed order: same bits every run).
        cells = con.execute(
            f"""{positions},
            country_positions as (select distinct country_code, country_pos from positions)
            select r.pos as row_pos, k.country_pos, sum(f.value_usd_m order by f.col_use) as value_usd_m
            from {FLOWS} f
            join positions r on r.country_code = f.row_country and r.industry_code = f.row_industry
            join country_positions k on k.country_code = f.col_country
            where f.classification = $classification and f.year = $year and f.use_type = 'final'
            group by all
            """,
            params,
        ).fetchnumpy()
        final_by_country[cells["row_pos"], cells["country_pos"]] = cells["value_usd_m"]
    return YearMatrices(
        countries, industries, output["country_code"].to_numpy(), output["industry_code"].to_numpy(),
        output["gross_output_usd_m"].to_numpy(dtype=np.float64), inter, final_by_country,
    )


def multipliers_frame(con, year: int, classification: str) -> pd.DataFrame:
    """The Leontief multipliers alone, long form (the benchmark's IO stage); the pipeline uses `leontief_frames`."""
    m = year_matrices(con, year, classification, final=False)
    a = leontief.technical_coefficients(m.inter, m.output)
    return _multipliers_long(m, year, classification, leontief.industry_multipliers(a, len(m.countries), len(m.industries)))


def leontief_frames(con, year: int, classification: str) -> dict[str, pd.DataFrame]:
    """The year's Leontief multipliers and value-added (proxy) tables, long form, from one LU factorisation.

    v is the value-added PROXY per unit of output (1 - column sum of A; the WIOD 2013 RData has no
    value-added block). The demand columns are each country's final demand, its final demand for
    its own industries' products, and its gross exports (leontief.demand_columns).
    """
    m = year_matrices(con, year, classification)
    n_countries, n_ind = len(m.countries), len(m.industries)
    a = leontief.technical_coefficients(m.inter, m.output)
    v = leontief.value_added_proxy_coefficients(a)
    demand = leontief.demand_columns(m.inter, m.final, n_countries, n_ind)
    multipliers, content = leontief.leontief_year(a, n_countries, n_ind, value_added=v, demand=demand)
    del a
    n = n_countries * n_ind
    embodied = content.embodied.reshape(n, 3, n_countries)  # (origin, measure, demand country)
    by_origin = pd.DataFrame(
        {
            "classification": classification,
            "year": year,
            # Demand country major, then the origin country-industry in row order.
            "country_code": np.repeat(m.countries, n),
            "origin_country_code": np.tile(m.row_countries, n_countries),
            "origin_industry_code": np.tile(m.row_industries, n_countries),
            "va_proxy_final_demand_usd_m": embodied[:, 0, :].T.ravel(),
            "va_proxy_final_demand_domestic_products_usd_m": embodied[:, 1, :].T.ravel(),
            "va_proxy_gross_exports_usd_m": embodied[:, 2, :].T.ravel(),
        }
    )
    per_unit = pd.DataFrame(
        {
            "classification": classification,
            "year": year,
            "country_code": np.tile(m.row_countries, n_ind),
            "industry_code": np.tile(m.row_industries, n_ind),
            "origin_industry_code": np.repeat(m.industries, n),
            "va_proxy_per_unit_output": content.per_unit.ravel(),
        }
    )
    return {
        MULTIPLIERS: _multipliers_long(m, year, classification, multipliers),
        VALUE_ADDED_BY_ORIGIN: by_origin,
        VALUE_ADDED_MULTIPLIERS: per_unit,
    }


def _multipliers_long(m: YearMatrices, year: int, classification: str, result: leontief.IndustryMultipliers) -> pd.DataFrame:
    n_ind, n = len(m.industries), len(m.output)
    return pd.DataFrame(
        {
            "classification": classification,
            "year": year,
            "country_code": np.tile(m.row_countries, n_ind),
            "industry_code": np.tile(m.row_industries, n_ind),
            "input_industry_code": np.repeat(m.industries, n),
            "leontief_total": result.total.ravel(),
            "leontief_domestic": result.domestic.ravel(),
        }
    )


def _write_parquet(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, columns: dict[str, str], path: Path) -> None:
    """Write `frame` with the warehouse's declared column types, in the frame's row order.

    Text columns go to DuckDB as categoricals (5x faster, same file content).
    """
    casts = ", ".join(f"cast({name} as {sql_type.split()[0]}) as {name}" for name, sql_type in columns.items())
    con.register("staged_frame", frame.astype(as_categories(columns)))
    try:
        con.execute(f"copy (select {casts} from staged_frame) to '{sql_path(path)}' (format parquet)")
    finally:
        con.unregister("staged_frame")
