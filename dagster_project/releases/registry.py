"""The input-output releases the warehouse reads, and which of them hold a given year.

Each release module (wiod2013, wiod2016, oecd_icio) is a `reader.ReleaseReader`:
`CLASSIFICATION`, `available_years(raw_dir)` and `read_year(raw_dir, year) -> IoTable`.
A year partition ingests every release whose files for that year are in the raw folder,
each under its own classification; the seeds (dbt/seeds/input_output) are keyed by it.
"""

from __future__ import annotations

from pathlib import Path

from dagster_project.releases import oecd_icio, wiod2013, wiod2016
from dagster_project.releases.io_table import IoInputError, IoTable
from dagster_project.releases.reader import ReleaseReader

RELEASES: tuple[ReleaseReader, ...] = (wiod2013, wiod2016, oecd_icio)


def years_by_release(raw_dir: Path) -> dict[str, list[int]]:
    """The table years each release has in the raw folder (releases with none included)."""
    return {release.CLASSIFICATION: release.available_years(raw_dir) for release in RELEASES}


def available_years(raw_dir: Path) -> list[int]:
    """Years present in any release."""
    return sorted({year for years in years_by_release(raw_dir).values() for year in years})


def read_tables(raw_dir: Path, year: int) -> list[IoTable]:
    """Every release's validated table for the year; an error if no release has the year."""
    present = years_by_release(raw_dir)
    releases = [r for r in RELEASES if year in present.get(r.CLASSIFICATION, ())]
    if not releases:
        raise IoInputError(
            f"{raw_dir}: no input-output table for {year} in any release "
            f"(wiod2013/rdata/wiot_{year}.RData or the tidy Parquet, "
            f"wiod2016/WIOT{year}_October16_ROW.RData or _Nov16_ROW.xlsx, oecd_icio/ICIO*_{year}.csv); "
            f"run `make data` to fill {raw_dir}"
        )
    return [release.read_year(raw_dir, year) for release in releases]
