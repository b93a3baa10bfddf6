"""The input-output stage as the benchmark measures it, its plain-numpy floor, and pymrio.

The IO stage is the Leontief part of `wiod_tables` for every year, on a scratch lake here
(`multipliers_frame`: the multipliers alone; the pipeline's `leontief_frames` also solves the
value-added tables against the same LU factorisation, over the staged Parquet of each year):
read Z and x, form A, solve for the Leontief sums the marts need (global and domestic)
and write them in one transaction. The floor is the textbook computation on matrices
already in memory: A = Z·x̂⁻¹ and L = (I - A)⁻¹ with numpy. pymrio is given the same
matrices in memory, as a pymrio user would have them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from dagster_project.input_output import leontief
from dagster_project.input_output.staging import multipliers_frame
from dagster_project.input_output.tables import (
    FLOWS,
    FLOWS_COLUMNS,
    GROSS_OUTPUT,
    GROSS_OUTPUT_COLUMNS,
    MULTIPLIER_COLUMNS,
    MULTIPLIERS,
)
from dagster_project.releases.io_table import IoTable
from dagster_project.storage.lake import Lake, transactions
from dagster_project.storage.tables import replace_rows

YEAR = "classification = ? and year = ?"


def load_warehouse(folder: Path, tables: list[IoTable]) -> Lake:
    """A scratch lake holding the raw tables the stage reads."""
    lake = Lake(catalog=f"sqlite:{folder / 'lake' / 'catalog.sqlite'}", data_path=f"{folder / 'lake' / 'data'}/")
    with lake.connect() as con:
        for attempt in transactions(con):
            with attempt:
                for t in tables:
                    key = [t.classification, t.year]
                    replace_rows(con, FLOWS, FLOWS_COLUMNS, t.flows_frame(), YEAR, key)
                    replace_rows(con, GROSS_OUTPUT, GROSS_OUTPUT_COLUMNS, t.gross_output_frame(), YEAR, key)
    return lake


def io_stage(lake: Lake, years: list[int], classification: str = "wiod2013") -> None:
    with lake.connect() as con:
        frames = {year: multipliers_frame(con, year, classification) for year in years}
        for attempt in transactions(con):
            with attempt:
                for year, frame in frames.items():
                    replace_rows(con, MULTIPLIERS, MULTIPLIER_COLUMNS, frame, YEAR, [classification, year])


def numpy_floor(tables: list[IoTable]) -> None:
    for table in tables:
        a = table.inter / np.where(table.output > 0, table.output, 1.0)
        np.linalg.inv(np.eye(table.size) - a)


def project_compute(tables: list[IoTable]) -> list[leontief.IndustryMultipliers]:
    """The stage's linear algebra alone, on matrices in memory: what pymrio is compared with."""
    return [
        leontief.industry_multipliers(
            leontief.technical_coefficients(t.inter, t.output), len(t.countries), len(t.industries)
        )
        for t in tables
    ]


def pymrio_same_multipliers(tables: list[IoTable]) -> list[np.ndarray]:
    """pymrio's A and L, reduced to the global multipliers the marts use (L summed by supplying industry).

    The domestic multipliers are left out, which favours pymrio: it has no per-country inverse.
    """
    import pymrio

    sums = []
    for table in tables:
        labels = pd.MultiIndex.from_arrays(table.row_labels(), names=["region", "sector"])
        z = pd.DataFrame(table.inter, index=labels, columns=labels)
        x = pd.DataFrame({"indout": table.output}, index=labels)
        l_matrix = pymrio.calc_L(pymrio.calc_A(z, x))
        by_industry = l_matrix.groupby(level="sector", sort=False).sum()
        sums.append(by_industry.loc[list(table.industries)].to_numpy())
    return sums
