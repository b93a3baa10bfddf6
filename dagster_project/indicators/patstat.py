"""PATSTAT source: PCT applications by technology level (the high-tech patent share).

Each file is declared once, as a `reader.Source`; catalogue.SOURCES lists them all.
"""

from __future__ import annotations

from dagster_project.indicators.reader import Column, RowFloor, Source

PATSTAT_PCT = Source(
    table="patstat_pct_by_tech_level",
    path="patents/patstat_pct_by_country_techlevel_year.csv",
    provider="EPO PATSTAT (Kim & Ozaygen)",
    description=(
        "PCT patent applications by inventor country, OECD manufacturing technology level and "
        "filing year, 2000-2015: numerator and denominator of the high-tech share of patents "
        "(PATSTAT definition: 'High Tech' ÷ all manufacturing-mapped applications)."
    ),
    provenance=(
        "altay-oz/wiod_manufacturing patstat_manuf/country_ind_yearly_pat_tech_sum.csv (the "
        "country.ind key split in two); mapped to NACE rev.2 with the EPO IPC-NACE concordance."
    ),
    units=(
        "pct_patent_count: PCT applications (fractional country shares summed and rounded); a PATSTAT "
        "subset, use for shares, not levels. Filing years 2014-2015 are incomplete."
    ),
    columns=(
        Column("country_iso3", "VARCHAR", "Inventor country, ISO3."),
        Column(
            "tech_level", "VARCHAR", "High Tech, Medium-High Tech, Medium-Low Tech or Low Tech (OECD classes via NACE rev.2).",
            known_values=("High Tech", "Medium-High Tech", "Medium-Low Tech", "Low Tech"),
        ),
        Column("year", "SMALLINT", "PCT filing year.", min_value=1900, max_value=2100),
        Column("pct_patent_count", "INTEGER", "PCT applications mapped to the technology level.", min_value=0),
    ),
    key=("country_iso3", "tech_level", "year"),
    min_rows=RowFloor(
        3_351, "every inventor country, technology level and filing year 2000-2015 with an "
        "application: 146 countries",
    ),
)
