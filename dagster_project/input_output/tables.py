"""Tables of the input-output stage, each declared once: name, description, column types, column documentation, key.

Shared by the staging that writes them, the assets and checks that describe them, the dbt
sources (dbt/models/staging/_sources.yml is generated from these declarations and the
indicator catalogue by `python -m dagster_project.cli.dbt_sources`) and the benchmark. Each
table's Dagster asset key is its schema and name (defs/input_output/keys.py).
"""

from dataclasses import dataclass

FLOWS = "raw.wiod_flows"
GROSS_OUTPUT = "raw.wiod_gross_output"
MULTIPLIERS = "intermediate.leontief_industry_multipliers"

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


def as_categories(columns: dict[str, str]) -> dict[str, str]:
    """`DataFrame.astype` argument making the declared text columns categoricals.

    A year holds a few hundred distinct codes over ~2 million rows: as categoricals each code is
    converted (to DuckDB) or compared (by Great Expectations) once, not once per row.
    """
    return {name: "category" for name, sql_type in columns.items() if sql_type.lower().startswith("varchar")}

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
}

