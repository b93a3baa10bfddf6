"""NSF/NCSES sources: patent families by WIPO field, PCT applications by area, knowledge- and technology-intensive trade, GERD/GDP.

Each file is declared once, as a `reader.Source`; catalogue.SOURCES lists them all.
"""

from __future__ import annotations

from dagster_project.indicators.reader import YEAR, Column, RowFloor, RowRange, Source

NCSES_PROVENANCE = (
    "NSF/NCSES Science & Engineering Indicators tables, machine-readable re-exports from "
    "bq-org/ncses_stats_explorer_placeholder output/tables/<id>/data.csv (see PROVENANCE.md)"
)

_NCSES_COMMON = (
    Column("table_id", "INTEGER", "NCSES table id (the number in the NCSES table URL)."),
    Column("table_number", "VARCHAR", "NCSES table number as printed (e.g. SINV-5, S6-18, SKTI-20)."),
)

_NCSES_REGION = (
    Column("region_path", "VARCHAR", "NCSES region hierarchy, e.g. 'World -> Asia -> South Korea'; keys the row."),
    Column("region", "VARCHAR", "Leaf of region_path: a country, economy, region or office name as NCSES writes it."),
)

_NCSES_FLAG = Column("value_flag", "VARCHAR", "NCSES flag on the value (suppressed, estimate ...), if any.", nullable=True)

_KTI_COLUMNS = (
    *_NCSES_COMMON,
    Column("table_title", "VARCHAR", "NCSES table title, with the year span."),
    Column("units", "VARCHAR", "Units as the NCSES table states them (see the source's units note)."),
    Column(
        "region_path", "VARCHAR",
        "NCSES row hierarchy; trade rows start with 'Exports ->' or 'Imports ->'. Keys the row.",
    ),
    Column("region", "VARCHAR", "Leaf of region_path: country, economy or region as NCSES writes it."),
    YEAR,
    Column(
        "value", "DOUBLE", "Value in the table's units (US dollars); empty on heading rows (e.g. 'Exports').",
        nullable=True, min_value=0,
    ),
    _NCSES_FLAG,
)

NCSES_PATENT_FAMILIES = Source(
    table="ncses_patent_families_by_wipo_field",
    path="ncses_sei/sei_patent_families_by_wipo_field.csv",
    provider="NSF/NCSES",
    description=(
        "International (INPADOC) patent families granted, by inventor economy and WIPO technical "
        "field, 1998-2020 (SEI 2022 tables SINV-4 to SINV-41): the WIPO-field definition of the "
        "high-tech share of patents (families in the fields of the seed wipo_high_tech_fields ÷ all fields)."
    ),
    provenance=NCSES_PROVENANCE + "; tables 5818-5855 except 5852, years re-attached from the titles.",
    units="value: patent families granted, fractional counts.",
    columns=(
        *_NCSES_COMMON,
        Column("wipo_field", "VARCHAR", "WIPO technical field (35 fields), 'ALL FIELDS' or 'unassigned'."),
        *_NCSES_REGION,
        Column("income_level", "VARCHAR", "NCSES income level of an economy; empty for regions.", nullable=True),
        YEAR,
        Column("value", "DOUBLE", "Patent families granted, fractional count.", nullable=True, min_value=0),
        _NCSES_FLAG,
    ),
    key=("table_id", "wipo_field", "region_path", "year"),
    min_rows=RowFloor(
        42_550, "37 SEI 2022 tables (all fields, 35 WIPO fields, unassigned) of 50 regions and "
        "economies, 1998-2020",
    ),
)

NCSES_PCT_APPLICATIONS = Source(
    table="ncses_pct_applications_by_area",
    path="ncses_sei/sei_pct_applications_by_area.csv",
    provider="NSF/NCSES",
    description=(
        "PCT applications by inventor location, 2000-2022, total and by WIPO technology area (SEI 2024 "
        "SINV-11 to SINV-16): patent activity levels beside the PATSTAT subset."
    ),
    provenance=NCSES_PROVENANCE + "; tables 10558-10563.",
    units="value: PCT applications, fractional counts.",
    columns=(
        *_NCSES_COMMON,
        Column("tech_area", "VARCHAR", "ALL AREAS or one of 5 WIPO areas (chemistry, electrical engineering, ...)."),
        *_NCSES_REGION,
        YEAR,
        Column("value", "DOUBLE", "PCT applications, fractional count.", nullable=True, min_value=0),
        _NCSES_FLAG,
    ),
    key=("table_id", "tech_area", "region_path", "year"),
    min_rows=RowFloor(17_871, "6 SEI 2024 tables (all areas and 5 WIPO areas) of 142 locations, 2000-2022"),
)

NCSES_KTI = Source(
    table="ncses_kti_value_added_and_trade",
    path="ncses_sei/sei_kti_value_added_and_trade.csv",
    provider="NSF/NCSES",
    description=(
        "Value added of knowledge- and technology-intensive (KTI) industries (2002-2019) and exports "
        "and imports of KTI, high and medium-high R&D intensive products (2003-2018), by economy: "
        "the knowledge-economy context of the innovation index."
    ),
    provenance=NCSES_PROVENANCE + "; tables 1976-1978, 1992-1994, 6242, 6243, 6248.",
    units="value: millions of current US dollars (as the tables state; checked against each other).",
    columns=_KTI_COLUMNS,
    key=("table_id", "region_path", "year"),
    min_rows=RowFloor(10_206, "9 NCSES tables of value added and trade of 160 region rows, 2002-2019"),
)

NCSES_KTI_TRADE_SELECT = Source(
    table="ncses_kti_trade_select_countries",
    path="ncses_sei/sei_kti_trade_select_countries.csv",
    provider="NSF/NCSES (OECD TiVA 2021)",
    description=(
        "Exports and imports of KTI industries for select economies, 2002-2018 (table 6234, SKTI-20, "
        "from OECD TiVA 2021): the value-added-based view of KTI trade."
    ),
    provenance=NCSES_PROVENANCE + "; table 6234.",
    units=(
        "value: as published. The table says 'Millions of current dollars' but World exports 2002 = "
        "2,560.6, so the values are billions; staging converts them with the seed ncses_tables and a "
        "dbt test checks the result against table 1992."
    ),
    columns=_KTI_COLUMNS,
    key=("table_id", "region_path", "year"),
    min_rows=RowFloor(
        1_054, "table 6234: exports and imports of 62 region rows, 2002-2018 (heading rows "
        "included)",
    ),
)

NCSES_GERD_GDP = Source(
    table="ncses_gerd_gdp_selected_countries",
    path="ncses_sei/sei_gerd_gdp_selected_countries.csv",
    provider="NSF/NCSES",
    description=(
        "GERD, GDP (billions of current PPP dollars), GERD/GDP and growth rates for selected economies "
        "in 1990/2000/2010/2021 (NCSES table 10937), incl. Taiwan, which WDI lacks: a second source "
        "for the R&D component."
    ),
    provenance=NCSES_PROVENANCE + "; table 10937, kept as published.",
    units="GERD and GDP: billions of current PPP dollars; GERD-to-GDP ratio: percent; CAGR: percent a year.",
    columns=(
        Column("country", "VARCHAR", "Economy as NCSES writes it (e.g. South Korea, EU-27, Russia (2020))."),
        Column("measure", "VARCHAR", "GERD, GDP, GERD-to-GDP ratio (%) or Longer-term growth rates (CAGR)."),
        Column("period_or_sub", "VARCHAR", "Year (1990, 2000, 2010, 2021a) or, for CAGR rows, the measure (GERD, GDP)."),
        Column("period", "VARCHAR", "CAGR period (e.g. 2000–10); empty on level rows.", nullable=True),
        Column(
            "value", "DOUBLE", "Value in the unit of its measure; NA in the source is NULL.", nullable=True,
            row_ranges=(
                RowRange("measure", ("GERD", "GDP"), min_value=0),
                RowRange("measure", ("GERD-to-GDP ratio (%)",), 0, 100),
            ),
        ),
    ),
    key=("country", "measure", "period_or_sub", "period"),
    min_rows=RowFloor(270, "table 10937: 15 economies, levels in 4 years and growth rates over 3 periods"),
    null_markers=frozenset({"", "NA"}),
)
