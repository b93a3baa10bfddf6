"""The input-output stage as the benchmark measures it, and its plain-numpy floor.

The IO stage is what the `intermediate/leontief_industry_multipliers` asset does for every
year: read Z and x from the warehouse, form A, solve for the Leontief sums the marts need
(global and domestic) and write them in one transaction. The floor is the textbook
computation on matrices already in memory: A = Z·x̂⁻¹ and L = (I - A)⁻¹ with numpy.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dagster_project.assets.input_output import multipliers_frame
from dagster_project.io_schema import (
    FLOWS, FLOWS_COLUMNS, GROSS_OUTPUT, GROSS_OUTPUT_COLUMNS, MULTIPLIER_COLUMNS, MULTIPLIERS,
)
from dagster_project.io_table import IoTable
from dagster_project.resources import WarehouseResource
from dagster_project.warehouse import replace_year, transaction


def load_warehouse(folder: Path, tables: list[IoTable]) -> WarehouseResource:
    """A scratch warehouse holding the raw tables the stage reads."""
    warehouse = WarehouseResource(database=str(folder / "bench.duckdb"))
    with warehouse.get_connection() as con, transaction(con):
        for table in tables:
            replace_year(con, FLOWS, FLOWS_COLUMNS, table.flows_frame(), table.classification, table.year)
            replace_year(
                con, GROSS_OUTPUT, GROSS_OUTPUT_COLUMNS, table.gross_output_frame(), table.classification, table.year
            )
    return warehouse


def io_stage(warehouse: WarehouseResource, years: list[int], classification: str = "wiod2013") -> None:
    with warehouse.get_connection() as con:
        frames = {year: multipliers_frame(con, year, classification) for year in years}
        with transaction(con):
            for year, frame in frames.items():
                replace_year(con, MULTIPLIERS, MULTIPLIER_COLUMNS, frame, classification, year)


def numpy_floor(tables: list[IoTable]) -> None:
    for table in tables:
        a = table.inter / np.where(table.output > 0, table.output, 1.0)
        np.linalg.inv(np.eye(table.size) - a)
