"""Small WIOD 2013 tables generated in the release's own layouts, for tests.

Values are whole millions like the real files, and gross output is exactly the row sum, so
every accounting identity holds and every expected number can be recomputed with numpy.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import rdata

from dagster_project.releases.wiod2013 import FINAL_USE_CODES

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
    countries: tuple[str, ...] = COUNTRIES

    @property
    def output(self) -> np.ndarray:
        return self.inter.sum(axis=1) + self.final.sum(axis=1)


def sample_year(year: int, seed: int | None = None, countries: tuple[str, ...] = COUNTRIES) -> SampleYear:
    """A year of the release; fewer `countries` make a small table for reader unit tests."""
    rng = np.random.default_rng(year if seed is None else seed)
    n = len(countries) * len(INDUSTRIES)
    inter = rng.integers(0, 25, size=(n, n)).astype(np.int32)
    # Sparse like the real tables, where about one intermediate cell in eight is non-zero (WIOD 2013:
    # ~270,000 of 2.06 million a year); the final uses stay dense, so every industry has output.
    inter[rng.random((n, n)) < 0.87] = 0
    final = rng.integers(40, 400, size=(n, len(countries) * len(FINAL_USE_CODES))).astype(np.int32)
    return SampleYear(year, inter, final, countries)


# rdata.write_rda takes ~10 s for a full-size year; the suite writes the same few years many
# times, so each distinct table is serialized once per session and its bytes reused.
_RDATA_BYTES: dict[str, bytes] = {}


def write_rdata(raw_dir: Path, sample: SampleYear, *, stored_year: int | None = None) -> Path:
    """`wiod2013/rdata/wiot_YYYY.RData`: the R list the bquast/wiod package ships."""
    path = raw_dir / "wiod2013" / "rdata" / f"wiot_{sample.year}.RData"
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    for part in (sample.inter, sample.final, np.array(sample.countries), np.array([sample.year, stored_year or 0])):
        digest.update(np.ascontiguousarray(part).tobytes())
    key = digest.hexdigest()
    if key not in _RDATA_BYTES:
        rdata.write_rda(
            path,
            {
                f"wiot_{sample.year}": {
                    "year": np.array([stored_year or sample.year], dtype=np.int32),
                    "countries": np.array(sample.countries),
                    "industries": np.array(INDUSTRIES),
                    "inter": sample.inter,
                    "final": sample.final,
                    "output": sample.output.astype(np.int32),
                }
            },
        )
        _RDATA_BYTES[key] = path.read_bytes()
    else:
        path.write_bytes(_RDATA_BYTES[key])
    return path


def write_tidy(raw_dir: Path, samples: list[SampleYear]) -> None:
    """`wiod2013_wiot_long.parquet` + `wiod2013_output.csv`: the mirror's tidy layout."""
    folder = raw_dir / "wiod2013"
    folder.mkdir(parents=True, exist_ok=True)
    countries = samples[0].countries
    labels = [(c, i) for c in countries for i in INDUSTRIES]
    final_labels = [(c, u) for c in countries for u in FINAL_USE_CODES]
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


# ---------------------------------------------------------------------------------------
# WIOD 2016 and OECD ICIO tables, generated in their official layouts (see the docstrings
# of dagster_project/releases/wiod2016.py and dagster_project/releases/oecd_icio.py). Values carry three
# decimals like the releases' own; gross output is exactly the row sum.


@dataclass
class SampleTable:
    year: int
    countries: tuple[str, ...]
    industries: tuple[str, ...]
    final_uses: tuple[str, ...]
    inter: np.ndarray
    final: np.ndarray

    @property
    def output(self) -> np.ndarray:
        return self.inter.sum(axis=1) + self.final.sum(axis=1)

    def position(self, country: str, industry: str) -> int:
        return self.countries.index(country) * len(self.industries) + self.industries.index(industry)


def sample_table(
    year: int,
    countries: tuple[str, ...],
    industries: tuple[str, ...],
    final_uses: tuple[str, ...],
    seed: int = 0,
    zero_share: float = 0.3,
) -> SampleTable:
    rng = np.random.default_rng(year * 100 + seed)
    n = len(countries) * len(industries)
    inter = rng.integers(0, 25_000, size=(n, n)) / 1000
    inter[rng.random((n, n)) < zero_share] = 0
    final = rng.integers(40_000, 400_000, size=(n, len(countries) * len(final_uses))) / 1000
    return SampleTable(year, countries, industries, final_uses, inter, final)


WIOD2016_COUNTRIES = ("KOR", "CHE", "ROW")
# The 43 economies and the rest of the world of the release, in its order: the accounting
# checks on the raw tables expect all of them in a pipeline run.
WIOD2016_RELEASE_COUNTRIES = (
    "AUS", "AUT", "BEL", "BGR", "BRA", "CAN", "CHE", "CHN", "CYP", "CZE", "DEU", "DNK", "ESP", "EST", "FIN",
    "FRA", "GBR", "GRC", "HRV", "HUN", "IDN", "IND", "IRL", "ITA", "JPN", "KOR", "LTU", "LUX", "LVA", "MEX",
    "MLT", "NLD", "NOR", "POL", "PRT", "ROU", "RUS", "SVK", "SVN", "SWE", "TUR", "TWN", "USA", "ROW",
)
WIOD2016_TOTAL_ROWS = (("II_fob", 65), ("TXSP", 66), ("EXP_adj", 67), ("PURR", 68), ("PURNR", 69),
                       ("VA", 70), ("IntTTM", 71), ("GO", 73))


def sample_wiod2016(
    year: int, countries: tuple[str, ...] = WIOD2016_COUNTRIES, seed: int = 0, zero_share: float = 0.3
) -> SampleTable:
    from dagster_project.releases import wiod2016

    return sample_table(year, countries, wiod2016.INDUSTRY_CODES, wiod2016.FINAL_USE_CODES, seed, zero_share)


def wiod2016_wide(sample: SampleTable) -> tuple[list[list], list[str], np.ndarray]:
    """The WIOT as label rows (IndustryCode, IndustryDescription, Country, RNr, Year), value
    column names (AUS1 ... AUS61, TOT) and values, country-industry rows then total rows."""
    n_ind = len(sample.industries)
    names = [f"{c}{k}" for c in sample.countries for k in range(1, n_ind + 1)]
    names += [f"{c}{k}" for c in sample.countries for k in range(n_ind + 1, n_ind + 1 + len(sample.final_uses))]
    names.append("TOT")
    body = np.hstack([sample.inter, sample.final, sample.output[:, None]])
    col_sums = body.sum(axis=0)
    go = np.concatenate([sample.output, sample.final.sum(axis=0), [sample.output.sum()]])
    totals = {"II_fob": col_sums, "VA": go - col_sums, "GO": go}
    values = np.vstack([body] + [totals.get(code, np.zeros(len(names))) for code, _ in WIOD2016_TOTAL_ROWS])
    labels = [[i, f"Industry {i}", c, k + 1, sample.year] for c in sample.countries for k, i in enumerate(sample.industries)]
    labels += [[code, f"Total row {code}", "TOT", rnr, sample.year] for code, rnr in WIOD2016_TOTAL_ROWS]
    return labels, names, values


def write_wiod2016_rdata(raw_dir: Path, sample: SampleTable, name: str | None = None) -> Path:
    """`wiod2016/WIOTYYYY_October16_ROW.RData`: the release's data frame `wiot`."""
    labels, names, values = wiod2016_wide(sample)
    columns = {
        "IndustryCode": pd.Series([r[0] for r in labels], dtype=object),
        "IndustryDescription": pd.Series([r[1] for r in labels], dtype=object),
        "Country": pd.Series([r[2] for r in labels], dtype=object),
        "RNr": np.array([r[3] for r in labels], dtype=np.int32),
        "Year": np.array([r[4] for r in labels], dtype=np.int32),
    }
    frame = pd.concat([pd.DataFrame(columns), pd.DataFrame(values, columns=names)], axis=1)
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    path = raw_dir / "wiod2016" / (name or f"WIOT{sample.year}_October16_ROW.RData")
    path.parent.mkdir(parents=True, exist_ok=True)
    rdata.write_rda(path, {"wiot": frame})
    return path


def write_wiod2016_xlsx(raw_dir: Path, sample: SampleTable) -> Path:
    """`wiod2016/WIOTYYYY_Nov16_ROW.xlsx`: the release's workbook with its header rows."""
    from openpyxl import Workbook

    labels, names, values = wiod2016_wide(sample)
    n_ind, n_fin = len(sample.industries), len(sample.final_uses)
    codes = [i for _ in sample.countries for i in sample.industries]
    codes += [u for _ in sample.countries for u in sample.final_uses] + ["TOT"]
    countries = [c for c in sample.countries for _ in range(n_ind)]
    countries += [c for c in sample.countries for _ in range(n_fin)] + ["TOT"]
    book = Workbook(write_only=True)
    sheet = book.create_sheet(f"{sample.year}")
    sheet.append([f"World Input-Output Table {sample.year}"])
    sheet.append(["(millions of US$)"])
    sheet.append([None, None, None, None] + [f"description of {c}" for c in codes])
    sheet.append([None, None, None, "(industry-use)"] + codes)
    sheet.append([None, None, None, "(country)"] + countries)
    sheet.append([None, None, None, None] + [f"c{k}" for k in range(1, len(codes) + 1)])
    for label, row in zip(labels, values):
        sheet.append(label[:4] + row.tolist())
    path = raw_dir / "wiod2016" / f"WIOT{sample.year}_Nov16_ROW.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


ICIO_COUNTRIES = ("KOR", "USA", "ROW")


def sample_icio(year: int, countries: tuple[str, ...] = ICIO_COUNTRIES, seed: int = 0) -> SampleTable:
    from dagster_project.releases import oecd_icio

    return sample_table(year, countries, oecd_icio.INDUSTRY_CODES, oecd_icio.FINAL_USE_CODES, seed)


def write_icio_csv(
    raw_dir: Path,
    sample: SampleTable,
    *,
    edition: int = 2021,
    final_countries: tuple[str, ...] | None = None,
    output_column: bool = True,
) -> Path:
    """`oecd_icio/ICIO2021_YYYY.csv`: country_industry rows and columns, final demand by
    country, the OUT column, and the TLS, VA and OUT rows. `final_countries` (default: all)
    are the economies with final-demand columns: the split CN1/CN2, MX1/MX2 have none."""
    final_countries = final_countries or sample.countries
    keep_final = [k for k, c in enumerate(c for c in sample.countries for _ in sample.final_uses) if c in final_countries]
    labels = [f"{c}_{i}" for c in sample.countries for i in sample.industries]
    final_labels = [f"{c}_{u}" for c in sample.countries for u in sample.final_uses]
    final = sample.final[:, keep_final]
    body = np.hstack([sample.inter, final])
    out = body.sum(axis=1)
    tls = np.round(body.sum(axis=0) * 0.01, 3)
    out_row = np.concatenate([out, np.zeros(final.shape[1])])
    va = out_row - body.sum(axis=0) - tls
    frame = pd.DataFrame(np.vstack([body, tls, va, out_row]), index=labels + ["TLS", "VA", "OUT"],
                         columns=labels + [final_labels[k] for k in keep_final])
    if output_column:
        frame["OUT"] = np.concatenate([out, [tls.sum(), va.sum(), out_row.sum()]])
    frame.index.name = ""
    path = raw_dir / "oecd_icio" / f"ICIO{edition}_{sample.year}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path)
    return path
