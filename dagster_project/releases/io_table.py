"""One year of a world input-output table, whichever release it comes from.

Every release reader (WIOD 2013, WIOD 2016, OECD ICIO) turns its own layout into an
`IoTable`: dense blocks in millions of current US dollars, rows and columns country-major
(country 1's industries, country 2's ...), the release's `classification` and its final-use
codes, which each reader declares once as a `Release` (whose `assemble` builds the table from
a labelled wide matrix). `validate` checks it before anything is written, and `flows_frame` /
`gross_output_frame` give the warehouse's raw schema (see defs/input_output/assets.py), so every
release lands in the same tables under its own `classification`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd


class IoInputError(ValueError):
    """A source file is unreadable or not what its release's layout promises."""


@dataclass(frozen=True)
class IoTable:
    """One year of a world input-output table, in millions of current US dollars."""

    classification: str
    year: int
    source: Path
    countries: tuple[str, ...]
    industries: tuple[str, ...]
    final_uses: tuple[str, ...]  # final-use codes per country, in column order
    inter: np.ndarray  # (N, N): row = supplying country-industry, column = using one
    final: np.ndarray  # (N, n_countries * len(final_uses)), country-major
    output: np.ndarray  # (N,): gross output
    # Final uses that may be negative (capital formation: net disposals, inventory
    # draw-downs; ICIO's direct purchases abroad); every other cell must be >= 0.
    negative_final_uses: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        return len(self.countries) * len(self.industries)

    def row_labels(self) -> tuple[np.ndarray, np.ndarray]:
        countries = np.repeat(np.array(self.countries, dtype=object), len(self.industries))
        industries = np.tile(np.array(self.industries, dtype=object), len(self.countries))
        return countries, industries

    def final_labels(self) -> tuple[np.ndarray, np.ndarray]:
        countries = np.repeat(np.array(self.countries, dtype=object), len(self.final_uses))
        uses = np.tile(np.array(self.final_uses, dtype=object), len(self.countries))
        return countries, uses

    def flows_frame(self) -> pd.DataFrame:
        """Non-zero cells of the intermediate and final blocks, one row per cell."""
        row_country, row_industry = self.row_labels()
        final_country, final_use = self.final_labels()
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
        flows.insert(0, "classification", self.classification)
        return flows

    def gross_output_frame(self) -> pd.DataFrame:
        country, industry = self.row_labels()
        return pd.DataFrame(
            {
                "classification": self.classification,
                "year": self.year,
                "country_code": country,
                "industry_code": industry,
                "gross_output_usd_m": self.output,
            }
        )


def validate(table: IoTable) -> None:
    """Shape and sign checks that must hold before a year may replace the stored one."""
    src, n = table.source, table.size
    n_final = len(table.countries) * len(table.final_uses)
    expected = {"inter": (n, n), "final": (n, n_final), "output": (n,)}
    for key, shape in expected.items():
        actual = getattr(table, key).shape
        if actual != shape:
            raise IoInputError(
                f"{src}: {key} has shape {actual}, expected {shape} for "
                f"{len(table.countries)} countries x {len(table.industries)} industries"
            )
    for key in expected:
        block = getattr(table, key)
        bad = np.argwhere(~np.isfinite(block))
        if len(bad):
            raise IoInputError(f"{src}: {key} has a missing or non-numeric value at {_cell(table, key, bad[0])}")
    negative = np.argwhere(table.inter < 0)
    if len(negative):
        raise IoInputError(
            f"{src}: intermediate flow {_cell(table, 'inter', negative[0])} is negative; "
            f"intermediate flows must be >= 0"
        )
    strict = np.array([u not in table.negative_final_uses for u in table.final_uses] * len(table.countries))
    negative = np.argwhere(table.final[:, strict] < 0)
    if len(negative):
        row, col = negative[0]
        col = np.flatnonzero(strict)[col]
        allowed = ", ".join(table.negative_final_uses) or "none"
        raise IoInputError(
            f"{src}: final use {_cell(table, 'final', (row, col))} is negative; only capital "
            f"formation ({allowed}) may be"
        )
    negative = np.flatnonzero(table.output < 0)
    if len(negative):
        raise IoInputError(
            f"{src}: gross output of {_cell(table, 'output', negative[:1])} is "
            f"{table.output[negative[0]]:g}; gross output must be >= 0"
        )


@dataclass(frozen=True)
class Release:
    """What every table of one release shares: its classification, industries and final uses."""

    classification: str
    industries: tuple[str, ...]
    final_uses: tuple[str, ...]
    negative_final_uses: tuple[str, ...] = ()  # final uses that may be < 0 (see IoTable)

    def table(self, year: int, source: Path, countries, industries, inter, final, output) -> IoTable:
        """An `IoTable` of this release from blocks already dense and country-major."""
        return IoTable(
            classification=self.classification,
            year=year,
            source=source,
            countries=tuple(countries),
            industries=tuple(industries),
            final_uses=self.final_uses,
            inter=inter,
            final=final,
            output=np.asarray(output, dtype=np.float64),
            negative_final_uses=self.negative_final_uses,
        )

    def assemble(
        self,
        source: Path,
        year: int,
        row_keys: Sequence[tuple[str, str]],
        col_keys: Sequence[tuple[str, str]],
        values: np.ndarray,
        output: np.ndarray,
    ) -> IoTable:
        """Build the dense table from a labelled wide matrix (the layout of WIOD 2016 and ICIO).

        `row_keys` label the rows of `values` (supplying country, industry) and must be
        country-major with the release's industries in order for every country; `col_keys`
        label its columns (using country, industry or final-use code), in any order, and must
        hold every country-industry and every country's final uses exactly once. `output` is
        the gross output of each row. Totals and value-added rows/columns are dropped by the
        reader before this.
        """
        countries = tuple(dict.fromkeys(country for country, _ in row_keys))
        industries, final_uses = self.industries, self.final_uses
        expected_rows = [(c, i) for c in countries for i in industries]
        if list(row_keys) != expected_rows:
            k = next(
                (k for k, (got, want) in enumerate(zip(row_keys, expected_rows)) if got != want),
                min(len(row_keys), len(expected_rows)),
            )
            got = row_keys[k] if k < len(row_keys) else "no row"
            want = expected_rows[k] if k < len(expected_rows) else "no row"
            raise IoInputError(
                f"{source}: row {k + 1} is {got}, expected {want}: rows must be country-major, "
                f"with the {len(industries)} {self.classification} industries in order for every country"
            )

        n_ind, n_fin = len(industries), len(final_uses)
        country_pos = {c: k for k, c in enumerate(countries)}
        industry_pos = {i: k for k, i in enumerate(industries)}
        use_pos = {u: k for k, u in enumerate(final_uses)}
        inter_cols, inter_at, final_cols, final_at, unknown = [], [], [], [], []
        for col, (country, code) in enumerate(col_keys):
            if country not in country_pos:
                unknown.append(f"{country} {code}")
            elif code in industry_pos:
                inter_cols.append(col)
                inter_at.append(country_pos[country] * n_ind + industry_pos[code])
            elif code in use_pos:
                final_cols.append(col)
                final_at.append(country_pos[country] * n_fin + use_pos[code])
            else:
                unknown.append(f"{country} {code}")
        if unknown:
            raise IoInputError(
                f"{source}: column(s) {', '.join(unknown[:5])}{' ...' if len(unknown) > 5 else ''} are "
                f"neither an industry nor a final use ({', '.join(final_uses)}) of a country of the rows"
            )
        for kind, at, width, labels in (
            ("intermediate-use", inter_at, len(countries) * n_ind, expected_rows),
            ("final-use", final_at, len(countries) * n_fin, [(c, u) for c in countries for u in final_uses]),
        ):
            counts = np.bincount(np.asarray(at, dtype=np.int64), minlength=width)
            if (counts != 1).any():
                k = int(np.flatnonzero(counts != 1)[0])
                state = "missing" if counts[k] == 0 else f"present {counts[k]} times"
                raise IoInputError(f"{source}: {kind} column {labels[k][0]} {labels[k][1]} is {state}")

        n = len(expected_rows)
        inter = np.empty((n, n))
        inter[:, inter_at] = values[:, inter_cols]
        final = np.empty((n, len(countries) * n_fin))
        final[:, final_at] = values[:, final_cols]
        return self.table(year, source, countries, industries, inter, final, output)


def read_rda(path: Path) -> dict:
    """The R objects of an RData file, or an error naming the file if it is not one."""
    import rdata  # imported here: only the RData layouts need it

    require_file(path, "an RData file")
    try:
        with warnings.catch_warnings():
            # R classes without a Python constructor (WIOD 2013's "iot") come back as lists.
            warnings.simplefilter("ignore", UserWarning)
            return rdata.read_rda(path)
    except Exception as exc:  # rdata raises many types for truncated or foreign files
        raise IoInputError(f"{path}: not a readable RData file ({type(exc).__name__}: {exc})") from exc


def require_file(path: Path, what: str) -> None:
    """Name a folder found where a table file belongs (a reader would call it unreadable or missing)."""
    if path.is_dir():
        raise IoInputError(f"{path}: a folder, where {what} is expected; remove or rename the folder")


def numeric(values, source: Path, what: str) -> np.ndarray:
    """A block of a wide table as float64, with the source named if a cell is not a number."""
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise IoInputError(f"{source}: {what} holds a value that is not a number ({exc})") from exc


def _cell(table: IoTable, block: str, index) -> str:
    countries, industries = table.row_labels()
    row = int(index[0])
    where = f"row {row + 1} ({countries[row]} {industries[row]})"
    if len(index) > 1:
        col = int(index[1])
        if block == "inter":
            where += f", column {col + 1} ({countries[col]} {industries[col]})"
        else:
            k = len(table.final_uses)
            where += f", column {col + 1} ({table.countries[col // k]} {table.final_uses[col % k]})"
    return where
