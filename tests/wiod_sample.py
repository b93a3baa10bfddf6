"""Small WIOD 2013 tables generated in the release's own layouts, for tests.

Values are whole millions like the real files, and gross output is exactly the row sum, so
every accounting identity holds and every expected number can be recomputed with numpy.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import rdata

from dagster_project.wiod2013 import FINAL_USE_CODES

# The 41 economies of the release, in its order: the accounting checks expect all of them.
COUNTRIES = (
    "AUS", "AUT", "BEL", "BGR", "BRA", "CAN", "CHN", "CYP", "CZE", "DEU", "DNK", "ESP", "EST", "FIN",
    "FRA", "GBR", "GRC", "HUN", "IDN", "IND", "IRL", "ITA", "JPN", "KOR", "LTU", "LUX", "LVA", "MEX",
    "MLT", "NLD", "POL", "PRT", "ROM", "RUS", "SVK", "SVN", "SWE", "TUR", "TWN", "USA", "RoW",
)
INDUSTRIES = tuple(f"c{i}" for i in range(1, 36))


@dataclass
class SampleYear:
    year: int
    inter: np.ndarray
    final: np.ndarray

    @property
    def output(self) -> np.ndarray:
        return self.inter.sum(axis=1) + self.final.sum(axis=1)


def sample_year(year: int, seed: int | None = None) -> SampleYear:
    rng = np.random.default_rng(year if seed is None else seed)
    n = len(COUNTRIES) * len(INDUSTRIES)
    inter = rng.integers(0, 25, size=(n, n)).astype(np.int32)
    inter[rng.random((n, n)) < 0.3] = 0  # sparse, like the real tables
    final = rng.integers(40, 400, size=(n, len(COUNTRIES) * len(FINAL_USE_CODES))).astype(np.int32)
    return SampleYear(year, inter, final)


def write_rdata(raw_dir: Path, sample: SampleYear, *, stored_year: int | None = None) -> Path:
    """`wiod2013/rdata/wiot_YYYY.RData`: the R list the bquast/wiod package ships."""
    path = raw_dir / "wiod2013" / "rdata" / f"wiot_{sample.year}.RData"
    path.parent.mkdir(parents=True, exist_ok=True)
    rdata.write_rda(
        path,
        {
            f"wiot_{sample.year}": {
                "year": np.array([stored_year or sample.year], dtype=np.int32),
                "countries": np.array(COUNTRIES),
                "industries": np.array(INDUSTRIES),
                "inter": sample.inter,
                "final": sample.final,
                "output": sample.output.astype(np.int32),
            }
        },
    )
    return path


def write_tidy(raw_dir: Path, samples: list[SampleYear]) -> None:
    """`wiod2013_wiot_long.parquet` + `wiod2013_output.csv`: the mirror's tidy layout."""
    folder = raw_dir / "wiod2013"
    folder.mkdir(parents=True, exist_ok=True)
    labels = [(c, i) for c in COUNTRIES for i in INDUSTRIES]
    final_labels = [(c, u) for c in COUNTRIES for u in FINAL_USE_CODES]
    flows, outputs = [], []
    for s in samples:
        for block, cols, use_type in ((s.inter, labels, "intermediate"), (s.final, final_labels, "final")):
            r, c = np.nonzero(block)
            flows.append(
                pd.DataFrame(
                    {
                        "year": np.int16(s.year),
                        "row_country": [labels[k][0] for k in r],
                        "row_industry": [labels[k][1] for k in r],
                        "col_country": [cols[k][0] for k in c],
                        "col_use": [cols[k][1] for k in c],
                        "use_type": use_type,
                        "value": block[r, c].astype(float),
                    }
                )
            )
        outputs.append(
            pd.DataFrame(
                {
                    "year": s.year,
                    "country": [c for c, _ in labels],
                    "industry": [i for _, i in labels],
                    "gross_output": s.output.astype(float),
                }
            )
        )
    flows_df = pd.concat(flows, ignore_index=True)  # noqa: F841 (read by duckdb below)
    duckdb.sql(f"copy flows_df to '{folder / 'wiod2013_wiot_long.parquet'}' (format parquet)")
    pd.concat(outputs).to_csv(folder / "wiod2013_output.csv", index=False)
