"""Tables of the input-output stage, each declared once: name, description, column types, column documentation, key.

Shared by the staging that writes them, the assets and checks that describe them, the dbt
sources (dbt/models/staging/_sources.yml is generated from these declarations and the
indicator catalogue by `python -m dagster_project.cli.dbt_sources`) and the benchmark. Each
table's Dagster asset key is its schema and name (defs/input_output/keys.py).
"""

from dataclasses import dataclass

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

FLOWS = "raw.wiod_flows"
GROSS_OUTPUT = "raw.wiod_gross_output"
MULTIPLIERS = "intermediate.leontief_industry_multipliers"
# Value added embodied in demand and output, on the value-added PROXY (gross output minus
# intermediate inputs; the WIOD 2013 RData has no value-added block): solved with the multipliers.
VALUE_ADDED_BY_ORIGIN = "intermediate.value_added_proxy_by_origin"
VALUE_ADDED_MULTIPLIERS = "intermediate.value_added_proxy_multipliers"

FLOWS_COLUMNS = {
    "classification": "varchar not null",
    "year": "smallint not null",
    "row_country": "varchar not null",
    "row_industry": "varchar not null",
    "col_country": "varchar not null",
    "col_use": "varchar not null",
    "use_type": "varchar not null",
    "value_usd_m": "double not null",
}
GROSS_OUTPUT_COLUMNS = {
    "classification": "varchar not null",
    "year": "smallint not null",
    "country_code": "varchar not null",
    "industry_code": "varchar not null",
    "gross_output_usd_m": "double not null",
}
MULTIPLIER_COLUMNS = {
    "classification": "varchar not null",
    "year": "smallint not null",
    "country_code": "varchar not null",
    "industry_code": "varchar not null",
    "input_industry_code": "varchar not null",
    "leontief_total": "double not null",
    "leontief_domestic": "double not null",
}
VALUE_ADDED_BY_ORIGIN_COLUMNS = {
    "classification": "varchar not null",
    "year": "smallint not null",
    "country_code": "varchar not null",
    "origin_country_code": "varchar not null",
    "origin_industry_code": "varchar not null",
    "va_proxy_final_demand_usd_m": "double not null",
    "va_proxy_final_demand_domestic_products_usd_m": "double not null",
    "va_proxy_gross_exports_usd_m": "double not null",
}
VALUE_ADDED_MULTIPLIER_COLUMNS = {
    "classification": "varchar not null",
    "year": "smallint not null",
    "country_code": "varchar not null",
    "industry_code": "varchar not null",
    "origin_industry_code": "varchar not null",
    "va_proxy_per_unit_output": "double not null",
}


def as_categories(columns: dict[str, str]) -> dict[str, str]:
    """`DataFrame.astype` argument making the declared text columns categoricals.

    A year holds a few hundred distinct codes over ~2 million rows: as categoricals each code is
    converted (to DuckDB) or compared (by Great Expectations) once, not once per row.
    """
    return {name: "category" for name, sql_type in columns.items() if sql_type.lower().startswith("varchar")}


def fetch_categorical(result: duckdb.DuckDBPyConnection, columns: dict[str, str]) -> pd.DataFrame:
    """The rows of an executed query as a DataFrame, its declared text columns as categoricals.

    The rows come over as Arrow, whose text columns are dictionary-encoded before the one
    conversion to pandas: no Python string is made per row (for a year's flows, 0.2 s instead
    of 0.6-0.9 s for `.df().astype(as_categories(...))`, measured).
    """
    table = result.fetch_arrow_table()
    categorical = as_categories(columns)
    return pa.table({
        name: pc.dictionary_encode(column) if name in categorical else column
        for name, column in zip(table.column_names, table.columns)
    }).to_pandas()


COLUMN_DOCS = {
    "classification": "Input-output release and its industry classification (wiod2013, wiod2016, oecd_icio).",
    "year": "Table year.",
    "row_country": "Supplying country (code of the release: WIOD or ICIO).",
    "row_industry": "Supplying industry (wiod2013 c1..c35, wiod2016 A01..U, oecd_icio D01T02..D97T98).",
    "col_country": "Using country (code of the release).",
    "col_use": (
        "Using industry, or final use: wiod2013 c37 households, c38 NPISH, c39 government, c41 GFCF, "
        "c42 inventories; wiod2016 CONS_h, CONS_np, CONS_g, GFCF, INVEN; oecd_icio HFCE, NPISH, GGFC, "
        "GFCF, INVNT, DPABR."
    ),
    "use_type": "intermediate or final.",
    "value_usd_m": "Flow in millions of current US dollars; zero cells are not stored.",
    "country_code": "Country of the using (column) industry, code of the release.",
    "industry_code": "Using (column) industry.",
    "gross_output_usd_m": "Gross output in millions of current US dollars (the release's output vector).",
    "input_industry_code": "Supplying (row) industry the multiplier sums over.",
    "leontief_total": "Σ over all countries r of L[(r, input industry), (country, industry)], L = (I-A)⁻¹ of the world table.",
    "leontief_domestic": "L_c[input industry, industry] with L_c = (I - A_cc)⁻¹ of the country's own block.",
}

VA_PROXY = (
    "Value added is the PROXY gross output minus intermediate inputs (v = 1 - column sum of A): the WIOD "
    "2013 RData has no value-added block, so it also holds net product taxes and international margins."
)
VALUE_ADDED_BY_ORIGIN_DOCS = {
    **COLUMN_DOCS,
    "country_code": "Country whose final demand or gross exports embody the value added (code of the release).",
    "origin_country_code": "Country where the value added (proxy) is generated (code of the release).",
    "origin_industry_code": "Industry where the value added (proxy) is generated.",
    "va_proxy_final_demand_usd_m": (
        "v(origin) x (L f_c)(origin): value added (proxy) of the origin country-industry embodied in the country's "
        "final demand f_c (every final use of the country, from every supplier), millions of current US dollars. "
        + VA_PROXY
    ),
    "va_proxy_final_demand_domestic_products_usd_m": (
        "The same for the part of f_c bought from the country's own industries (final products made at home): "
        "origins abroad here are foreign value added reaching final demand through intermediate inputs only."
    ),
    "va_proxy_gross_exports_usd_m": (
        "v(origin) x (L e_c)(origin): value added (proxy) of the origin country-industry embodied in the country's "
        "gross exports e_c (what its industries deliver to other countries, intermediate and final), millions of "
        "current US dollars."
    ),
}
VALUE_ADDED_MULTIPLIER_DOCS = {
    **COLUMN_DOCS,
    "country_code": "Country of the producing (column) industry, code of the release.",
    "industry_code": "Producing (column) industry.",
    "origin_industry_code": "Industry (in any country) where the value added (proxy) is generated.",
    "va_proxy_per_unit_output": (
        "Σ over countries s of v[(s, origin industry)] x L[(s, origin industry), (country, industry)]: value added "
        "(proxy) of the origin industry, all countries together, embodied in one dollar of the column's output "
        "(sums to 1 over origin industries). " + VA_PROXY
    ),
}

# What the tables hold, per table where a column's meaning differs (country_code is the
# industry's country in gross output, the using industry's country in the multipliers).
GROSS_OUTPUT_DOCS = {
    **COLUMN_DOCS,
    "country_code": "Country of the industry, code of the release.",
    "industry_code": "Industry (code of the release).",
}


@dataclass(frozen=True)
class TableDeclaration:
    """One table of the stage: what it is, its columns (SQL types and documentation) and its key."""

    name: str  # schema.table
    description: str
    columns: dict[str, str]
    docs: dict[str, str]
    key: tuple[str, ...]


DECLARATIONS = {
    FLOWS: TableDeclaration(
        FLOWS,
        "Every non-zero cell of the world input-output tables (WIOD 2013, WIOD 2016, OECD ICIO, by "
        "classification), long form: who supplies whom, for intermediate and final use, in millions of "
        "current US dollars. Written by the year-partitioned Dagster asset raw/wiod_flows.",
        FLOWS_COLUMNS, COLUMN_DOCS,
        ("classification", "year", "row_country", "row_industry", "col_country", "col_use"),
    ),
    GROSS_OUTPUT: TableDeclaration(
        GROSS_OUTPUT,
        "The release's own gross-output vector, one row per country-industry and year, in millions of "
        "current US dollars; kept separately so that the accounting identity (intermediate + final "
        "sales = output) can be checked. Written by the year-partitioned Dagster asset raw/wiod_gross_output.",
        GROSS_OUTPUT_COLUMNS, GROSS_OUTPUT_DOCS,
        ("classification", "year", "country_code", "industry_code"),
    ),
    MULTIPLIERS: TableDeclaration(
        MULTIPLIERS,
        "Leontief multipliers of every country-industry column, summed by supplying industry: the "
        "global inverse (I-A)⁻¹ over all countries and each country's domestic inverse, for every "
        "release (classification) of the year. Kept at n_industries x N per year instead of N² so "
        "marts can group them by any service classification in SQL. Solved from the same staged year "
        "as the raw tables, in the same step, and loaded with them. Written by the year-partitioned "
        "Dagster asset intermediate/leontief_industry_multipliers.",
        MULTIPLIER_COLUMNS, COLUMN_DOCS,
        ("classification", "year", "country_code", "industry_code", "input_industry_code"),
    ),
    VALUE_ADDED_BY_ORIGIN: TableDeclaration(
        VALUE_ADDED_BY_ORIGIN,
        "Value added (PROXY: gross output minus intermediate inputs; the WIOD 2013 RData has no value-added "
        "block) of every origin country-industry embodied in each country's final demand, in the part of it "
        "made at home, and in its gross exports: v ⊙ L·d with v the proxy per unit of output, L = (I-A)⁻¹ the "
        "global Leontief inverse and d the demand column. N x countries rows per year and release. Solved "
        "with the same LU factorisation as the Leontief multipliers, in the same staging step, and loaded "
        "with them. Written by the year-partitioned Dagster asset intermediate/value_added_proxy_by_origin.",
        VALUE_ADDED_BY_ORIGIN_COLUMNS, VALUE_ADDED_BY_ORIGIN_DOCS,
        ("classification", "year", "country_code", "origin_country_code", "origin_industry_code"),
    ),
    VALUE_ADDED_MULTIPLIERS: TableDeclaration(
        VALUE_ADDED_MULTIPLIERS,
        "Value added (PROXY: gross output minus intermediate inputs) per unit of output of every country-industry "
        "column, by origin industry (all origin countries summed): S·v̂·L, n_industries x N per year and release, "
        "so that marts can take any industry's exports (e.g. manufacturing) and group origins by any service "
        "classification in SQL. Solved with the Leontief multipliers from the same factorisation. Written by "
        "the year-partitioned Dagster asset intermediate/value_added_proxy_multipliers.",
        VALUE_ADDED_MULTIPLIER_COLUMNS, VALUE_ADDED_MULTIPLIER_DOCS,
        ("classification", "year", "country_code", "industry_code", "origin_industry_code"),
    ),
}

