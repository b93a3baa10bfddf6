"""Tables of the input-output stage: names, declared column types and column documentation.

Shared by the staging that writes them, the assets and checks that describe them and the
benchmark. Each table's Dagster asset key is its schema and name (defs/input_output/keys.py).
"""

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
