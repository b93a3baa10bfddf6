"""World Bank sources: WDI indicator values, names and country codes, the 2013 WDI vintage of manufacturing value added, income groups and the CLASS list.

Each file is declared once, as a `reader.Source`; catalogue.SOURCES lists them all.
"""

from __future__ import annotations

from dagster_project.indicators.reader import YEAR, Column, RowFloor, RowRange, Source

# WDI levels that cannot be negative (US dollars, people, counts). Not every current-US$
# indicator: royalty payments and receipts and net FDI inflows are balance-of-payments flows,
# negative in the real data (e.g. BX.KLT.DINV.CD.WD of -359 billion).
WDI_NON_NEGATIVE_LEVELS = (
    "NY.GDP.MKTP.CD", "NY.GDP.PCAP.CD", "NY.GDP.PCAP.PP.CD", "NY.GNP.PCAP.CD", "TX.VAL.MRCH.CD.WT", "TX.VAL.TECH.CD",
    "IP.PAT.RESD", "IP.PAT.NRES", "IP.JRN.ARTC.SC", "SP.POP.TOTL",
)

WDI_VALUES = Source(
    table="wdi_indicator_values",
    path="wdi/wdi_selected_long.csv",
    provider="World Bank WDI",
    description=(
        "World Development Indicators for 215 economies, 2003-2023, long form: the R&D/GDP "
        "(GB.XPD.RSDV.GD.ZS) and high-tech export share (TX.VAL.TECH.MF.ZS) components of the "
        "innovation index, and GDP, GNI, patents, trade and ICT controls for the regressions."
    ),
    provenance=(
        "njf0/frankenstein resources/wdi/<CODE>.csv, fetched from the World Bank API in May 2025 "
        "(vintage ~2025), melted to long with empty cells dropped; no regional or income aggregates; "
        "Taiwan is not in WDI."
    ),
    units=(
        "value is in the unit of its indicator (percent, current US$, counts, per 100 people ...): "
        "see raw.wdi_indicators and the seed wdi_indicator_units."
    ),
    columns=(
        Column("country_code", "VARCHAR", "Economy, ISO 3166-1 alpha-3 code."),
        Column(
            "indicator_code", "VARCHAR", "WDI indicator code, e.g. GB.XPD.RSDV.GD.ZS.",
            known_values="wdi_indicator_units.indicator_code",
        ),
        YEAR,
        Column(
            "value", "DOUBLE", "Indicator value, in the indicator's unit (see wdi_indicator_units).",
            row_ranges=(
                RowRange("indicator_code", "wdi_indicator_units.indicator_code[is_bounded_share]", 0, 100),
                RowRange("indicator_code", WDI_NON_NEGATIVE_LEVELS, min_value=0),
            ),
        ),
    ),
    key=("country_code", "indicator_code", "year"),
    min_rows=RowFloor(
        96_590, "the May 2025 extract: 30 indicators of 215 economies, 2003-2023, empty cells "
        "dropped",
    ),
)

WDI_INDICATORS = Source(
    table="wdi_indicators",
    path="wdi/wdi_indicators.csv",
    provider="World Bank WDI",
    description=(
        "Names and World Bank definitions of the 30 WDI indicators in raw.wdi_indicator_values: "
        "the name carries the unit, the description the definition analysts cite."
    ),
    provenance="njf0/frankenstein resources/wdi.csv (World Bank WDI metadata).",
    units="No measurements; the unit of each indicator is in its name and in the seed wdi_indicator_units.",
    columns=(
        Column("indicator_code", "VARCHAR", "WDI indicator code."),
        Column("indicator_name", "VARCHAR", "WDI indicator name, with its unit in parentheses where it has one."),
        Column("description", "VARCHAR", "World Bank definition of the indicator.", nullable=True),
    ),
    key=("indicator_code",),
    min_rows=RowFloor(30, "the 30 indicators of the extract"),
)

WDI_COUNTRIES = Source(
    table="wdi_countries_unm49",
    path="wdi/wdi_countries_unm49.csv",
    provider="UN M49 / World Bank",
    description="Names and UN M49 sub-regions of the economies in the WDI extract, for labels and regional groupings.",
    provenance="njf0/frankenstein resources/un_m49_cleaned.csv, unchanged.",
    units="No measurements.",
    columns=(
        Column("country_name", "VARCHAR", "Economy name."),
        Column("country_code", "VARCHAR", "ISO 3166-1 alpha-3 code."),
        Column("region", "VARCHAR", "UN M49 sub-region (e.g. Eastern Asia).", nullable=True),
    ),
    key=("country_code",),
    min_rows=RowFloor(248, "the 248 economies and territories of the UN M49 list"),
)

WDI_MANUFACTURING_VINTAGE_2013 = Source(
    table="wdi_manufacturing_va_vintage2013",
    path="wdi/wdi_NV.IND.MANF.ZS_vintage2013_long.csv",
    provider="World Bank WDI (December 2013 vintage)",
    description=(
        "Manufacturing value added (% of GDP), NV.IND.MANF.ZS, 1960-2012, from the December 2013 WDI "
        "release: the current-vintage extract lacks this indicator. Kept as its own source because "
        "it is a different vintage from raw.wdi_indicator_values and must not be mixed with it unawares."
    ),
    provenance="ronnywang/worldbank WDI_bundle/parsed/NV.IND.MANF.ZS_WDI.csv (wide to long, empty cells dropped).",
    units="value: percent of GDP (0-100).",
    columns=(
        Column(
            "country_code", "VARCHAR",
            "World Bank code of 2013, ISO3 for economies except legacy codes (ROM, ZAR, KSV, TMP); "
            "also World Bank aggregates (WLD, OEC ...).",
        ),
        Column("country_name", "VARCHAR", "Name as in the 2013 release."),
        Column("indicator_code", "VARCHAR", "Always NV.IND.MANF.ZS."),
        YEAR,
        Column("value", "DOUBLE", "Manufacturing value added, percent of GDP.", min_value=0, max_value=100),
    ),
    key=("country_code", "indicator_code", "year"),
    min_rows=RowFloor(
        6_918, "every non-empty economy-year of the December 2013 release: 218 economies and "
        "aggregates, 1960-2012",
    ),
)

WB_INCOME_GROUP_HISTORY = Source(
    table="wb_income_group_history",
    path="wdi/wb_income_group_history.csv",
    provider="World Bank",
    description=(
        "World Bank historical income classification (OGHIST), FY1989-FY2023: the income group "
        "of every economy in every fiscal year, so that regressions can group data by the class "
        "that applied to that year rather than today's."
    ),
    provenance=(
        "pyarasid/energy_research Historical_income_classification.xlsx, sheet 'Country Analytical "
        "History' (World Bank OGHIST.xlsx, FY21 edition extended to FY23), wide to long, '..' dropped."
    ),
    units="No measurements; classes L, LM, UM, H. gni_data_year = fiscal_year_end - 2.",
    columns=(
        Column("country_code", "VARCHAR", "Economy, World Bank / ISO3 code."),
        Column("country_name", "VARCHAR", "Economy name as in OGHIST."),
        Column("wb_fiscal_year", "VARCHAR", "World Bank fiscal year of the classification, e.g. FY13 (July 2012 - June 2013)."),
        Column("fiscal_year_end", "SMALLINT", "Calendar year in which that fiscal year ends (FY13 -> 2013).", min_value=1900, max_value=2100),
        Column(
            "gni_data_year", "SMALLINT",
            "Calendar year of the GNI per capita the classification is based on (fiscal_year_end - 2).",
            min_value=1900, max_value=2100,
        ),
        Column("income_group_code", "VARCHAR", "L, LM, UM or H (two cells 'LM*' as in the source, Yemen FY89-FY90)."),
        Column("income_group", "VARCHAR", "Low / Lower middle / Upper middle / High income."),
    ),
    key=("country_code", "wb_fiscal_year"),
    min_rows=RowFloor(
        7_222, "OGHIST FY1989-FY2023: 223 economies over 35 fiscal years, unclassified years "
        "('..') dropped",
    ),
)

WB_COUNTRY_CLASSIFICATION = Source(
    table="wb_country_classification",
    path="wdi/wb_country_classification_current.csv",
    provider="World Bank",
    description=(
        "World Bank CLASS list of economies (July 2022 classification): region, current income "
        "group and lending category of every economy, and the aggregate codes, to label and "
        "group economies and to tell aggregates from economies."
    ),
    provenance="pyarasid/energy_research CLASS.xlsx 'List of economies', unchanged apart from column names.",
    units="No measurements.",
    columns=(
        Column("economy", "VARCHAR", "Economy or aggregate name."),
        Column("country_code", "VARCHAR", "World Bank code (ISO3 for economies)."),
        Column("region", "VARCHAR", "World Bank region; empty for aggregates.", nullable=True),
        Column("income_group", "VARCHAR", "Current income group; empty for aggregates and unclassified economies.", nullable=True),
        Column("lending_category", "VARCHAR", "IDA, IBRD or Blend; empty if none.", nullable=True),
        Column("other_emu_hipc", "VARCHAR", "EMU or HIPC membership, if any.", nullable=True),
    ),
    key=("country_code",),
    min_rows=RowFloor(264, "the 218 economies and 46 aggregates of the July 2022 CLASS list"),
    skip_blank_rows=True,  # the all-empty row between economies and aggregates
)
