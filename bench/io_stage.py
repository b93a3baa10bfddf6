"""`make bench`: the input-output stage against a plain numpy floor, in one process and run.

The IO stage is what the `intermediate/leontief_industry_multipliers` asset does for every
year: read Z and x from the warehouse, form A, solve for the Leontief sums the marts need
(global and domestic) and write them in one transaction. The floor is the textbook
computation on matrices already in memory: A = Z·x̂⁻¹ and L = (I - A)⁻¹ with numpy.
Both run alternately, several rounds, and the medians are compared so that the ratio holds
on a noisy machine. Target (issue 2): at most 1.5x the floor.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from dagster_project import wiod2013
from dagster_project.assets.input_output import multipliers_frame
from dagster_project.io_schema import (
    FLOWS, FLOWS_COLUMNS, GROSS_OUTPUT, GROSS_OUTPUT_COLUMNS, MULTIPLIER_COLUMNS, MULTIPLIERS,
)
from dagster_project.resources import WarehouseResource
from dagster_project.settings import Settings
from dagster_project.warehouse import replace_year, transaction

ROUNDS = 5
TARGET_RATIO = 1.5


def io_stage(warehouse: WarehouseResource, years: list[int]) -> None:
    with warehouse.get_connection() as con:
        frames = {year: multipliers_frame(con, year) for year in years}
        with transaction(con):
            for year, frame in frames.items():
                replace_year(con, MULTIPLIERS, MULTIPLIER_COLUMNS, frame, wiod2013.CLASSIFICATION, year)


def numpy_floor(tables: list[wiod2013.WiodYear]) -> None:
    for table in tables:
        a = table.inter / np.where(table.output > 0, table.output, 1.0)
        np.linalg.inv(np.eye(table.size) - a)


def main() -> int:
    settings = Settings.from_env()
    years = wiod2013.available_years(settings.raw_dir)
    if not years:
        print(f"no WIOD tables in {settings.raw_dir}; run `make data` first")
        return 1
    tables = [wiod2013.read_year(settings.raw_dir, y) for y in years]
    with tempfile.TemporaryDirectory() as scratch:
        warehouse = WarehouseResource(database=str(Path(scratch) / "bench.duckdb"))
        started = time.perf_counter()
        with warehouse.get_connection() as con, transaction(con):
            for table in tables:
                replace_year(con, FLOWS, FLOWS_COLUMNS, table.flows_frame(), wiod2013.CLASSIFICATION, table.year)
                replace_year(
                    con, GROSS_OUTPUT, GROSS_OUTPUT_COLUMNS, table.gross_output_frame(),
                    wiod2013.CLASSIFICATION, table.year,
                )
        ingest_s = time.perf_counter() - started

        stage, floor = [], []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            io_stage(warehouse, years)
            stage.append(time.perf_counter() - started)
            started = time.perf_counter()
            numpy_floor(tables)
            floor.append(time.perf_counter() - started)

    ratio = statistics.median(stage) / statistics.median(floor)
    print(f"WIOD 2013, {len(years)} years ({years[0]}-{years[-1]}), {tables[0].size} country-industries")
    print(f"  ingest into DuckDB (once):             {ingest_s:8.2f} s")
    print(f"  IO stage, median of {ROUNDS}:                {statistics.median(stage):8.2f} s")
    print(f"  plain numpy A and L, median of {ROUNDS}:     {statistics.median(floor):8.2f} s")
    print(f"  ratio: {ratio:.2f}x (target <= {TARGET_RATIO}x): {'met' if ratio <= TARGET_RATIO else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
