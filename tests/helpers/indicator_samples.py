"""Small indicator sources generated in the data mirror's own layouts, for the innovation tests.

`write_indicator_sources(raw_dir)` writes every file `dagster_project.indicators.catalogue`
declares, with few rows but the real columns, quoting and quirks (a multi-line quoted
description, the blank separator row of the CLASS list, NA cells, footnote marks in NCSES
region names, the billions of NCSES table 6234). The component values are chosen so that the
index exercises ties, stale values, missing components and an incomplete PATSTAT year; the
tests recompute every expected number from the dictionaries below, independently of the SQL.
"""

from __future__ import annotations

import csv
from pathlib import Path

# Reference years of the seed innovation_reference_years.
REFERENCE_YEARS = (2017, 2018, 2019)

# GB.XPD.RSDV.GD.ZS, % of GDP: JPN and DEU tie in 2018; USA only has a stale 2015 value.
RD_GDP = {
    ("KOR", 2016): 4.0, ("KOR", 2017): 4.3, ("KOR", 2018): 4.5,
    ("JPN", 2017): 3.2, ("JPN", 2018): 3.1,
    ("DEU", 2018): 3.1,
    ("USA", 2015): 2.8,
    ("ISR", 2018): 4.9, ("ISR", 2019): 5.0,
    ("FIN", 2018): 2.7,
}
# TX.VAL.TECH.MF.ZS, % of manufactured exports.
HIGHTECH_EXPORTS = {
    ("KOR", 2017): 32.5, ("KOR", 2018): 36.0, ("KOR", 2019): 32.0,
    ("JPN", 2017): 17.5, ("JPN", 2018): 17.0,
    ("DEU", 2018): 16.0,
    ("USA", 2016): 18.0, ("USA", 2018): 19.0,
    ("ISR", 2018): 22.0,
    ("FIN", 2018): 10.0,
}
# PATSTAT PCT applications by technology level; 2014 is an incomplete filing year.
PATSTAT = {
    ("KOR", 2013): {"High Tech": 30, "Medium-High Tech": 40, "Medium-Low Tech": 20, "Low Tech": 10},
    ("KOR", 2014): {"High Tech": 1},
    ("JPN", 2013): {"High Tech": 40, "Medium-High Tech": 40, "Medium-Low Tech": 10, "Low Tech": 10},
    ("DEU", 2013): {"High Tech": 20, "Medium-High Tech": 50, "Medium-Low Tech": 20, "Low Tech": 10},
    ("USA", 2012): {"High Tech": 50, "Medium-High Tech": 30, "Medium-Low Tech": 10, "Low Tech": 10},
    ("ISR", 2013): {"High Tech": 6, "Medium-High Tech": 2, "Low Tech": 2},
    ("FIN", 2013): {"High Tech": 5, "Medium-High Tech": 5},
}
PATSTAT_LAST_COMPLETE_YEAR = 2013
# NCSES granted patent families, 2018, by WIPO field (two high-tech fields, two others).
NCSES_REGIONS = {
    "KOR": "World -> Asia -> South Korea",
    "JPN": "World -> Asia -> Japan",
    "DEU": "World -> Europe -> EU-27 + UK<sup>a</sup> -> EU-27<sup>b</sup> -> Germany",
    "USA": "World -> North America -> United States",
    "ISR": "World -> Middle East -> Israel",
}
WIPO_FAMILIES = {
    "KOR": {"computer technology": 20, "semiconductors": 10, "transport": 60, "unassigned": 10},
    "JPN": {"computer technology": 10, "semiconductors": 10, "transport": 75, "unassigned": 5},
    "DEU": {"computer technology": 5, "semiconductors": 5, "transport": 85, "unassigned": 5},
    "USA": {"computer technology": 30, "semiconductors": 15, "transport": 50, "unassigned": 5},
    "ISR": {"computer technology": 40, "semiconductors": 20, "transport": 35, "unassigned": 5},
}
WIPO_HIGH_TECH = {"computer technology", "semiconductors"}
WIPO_YEAR = 2018
# ITU IDI 2017: Iceland tops it but reports nothing else, FIN is missing.
IDI_2017 = {"ISL": 8.98, "KOR": 8.85, "JPN": 8.43, "DEU": 8.39, "USA": 8.18, "ISR": 7.88}

NAMES = {
    "KOR": ("Korea, Rep.", "South Korea"), "JPN": ("Japan", "Japan"), "DEU": ("Germany", "Germany"),
    "USA": ("United States", "United States"), "ISR": ("Israel", "Israel"), "FIN": ("Finland", "Finland"),
    "ISL": ("Iceland", "Iceland"),
}

# Published figures (raw.kita2021_published_figures): every figure_id of the claims seed.
# Ranks chosen against the values above: KOR R&D 2nd (reproduced), JPN 5th (the data give 3rd).
PUBLISHED = [
    # figure_id, country, metric, start, end, value, unit
    ("rank_rd_gdp_kor", "KOR", "world_rank_rd_expenditure_pct_gdp", None, None, 2, "rank"),
    ("rank_rd_gdp_jpn", "JPN", "world_rank_rd_expenditure_pct_gdp", None, None, 5, "rank"),
    ("rank_rd_gdp_deu", "DEU", "world_rank_rd_expenditure_pct_gdp", None, None, 3, "rank"),
    ("rank_rd_gdp_usa", "USA", "world_rank_rd_expenditure_pct_gdp", None, None, 9, "rank"),
    ("rank_hitech_exports_kor", "KOR", "world_rank_hightech_share_of_manufactured_exports", None, None, 1, "rank"),
    ("rank_hitech_patents_kor", "KOR", "world_rank_hightech_share_of_patents", None, None, 3, "rank"),
    ("rank_hitech_patents_jpn", "JPN", "world_rank_hightech_share_of_patents", None, None, 4, "rank"),
    ("rank_hitech_patents_usa", "USA", "world_rank_hightech_share_of_patents", None, None, 5, "rank"),
    ("rank_hitech_patents_deu", "DEU", "world_rank_hightech_share_of_patents", None, None, 21, "rank"),
    ("rank_idi_kor", "KOR", "world_rank_ict_development_index", None, None, 2, "rank"),
    ("int_exp_growth_usa", "USA", "intermediate_goods_exports_to_world_growth", 2011, 2019, 2.7, "percent"),
    ("int_exp_growth_deu", "DEU", "intermediate_goods_exports_to_world_growth", 2011, 2019, 1.5, "percent"),
    ("int_exp_growth_jpn", "JPN", "intermediate_goods_exports_to_world_growth", 2011, 2019, -1.8, "percent"),
    ("int_exp_growth_drop_jpn", "JPN", "intermediate_goods_exports_growth_change_vs_2001_2010", 2011, 2019, -7.5, "percentage_points"),
    ("int_exp_growth_drop_deu", "DEU", "intermediate_goods_exports_growth_change_vs_2001_2010", 2011, 2019, -7.3, "percentage_points"),
    ("int_exp_growth_drop_usa", "USA", "intermediate_goods_exports_growth_change_vs_2001_2010", 2011, 2019, -1.2, "percentage_points"),
    *(
        (f"fva_share_final_demand_{c.lower()}_{y}", c, "foreign_intermediate_va_share_for_domestic_final_demand", y, y, v, "percent")
        for c, y, v in (("USA", 2011, 11.7), ("USA", 2019, 11.4), ("JPN", 2013, 13.7), ("JPN", 2019, 13.6),
                        ("KOR", 2011, 27.8), ("KOR", 2019, 35.0))
    ),
    *((f"kr_uturn_{y}", "KOR", "reshoring_firms_count", y, y, v, "firms")
      for y, v in ((2014, 20), (2015, 3), (2016, 12), (2017, 4), (2018, 9), (2019, 16), (2020, 24), (2021, 26), (2022, 24))),
    ("kr_uturn_cum_2021", "KOR", "reshoring_firms_cumulative", 2014, 2021, 108, "firms"),
    ("kr_uturn_cum_2022", "KOR", "reshoring_firms_cumulative", 2014, 2022, 126, "firms"),
    ("kr_uturn_fki_2014_2018", "KOR", "reshoring_firms_cumulative", 2014, 2018, 52, "firms"),
    ("us_reshoring_2010", "USA", "reshoring_firms_count", 2010, 2010, 95, "firms"),
    ("us_reshoring_2018", "USA", "reshoring_firms_count", 2018, 2018, 886, "firms"),
    ("us_reshoring_jobs_hightech_share", "USA", "share_of_reshoring_jobs_high_and_medium_high_tech", 2010, 2019, 67, "percent"),
    ("eu_reshoring_2016_2018", "EU", "reshoring_firms_cumulative", 2016, 2018, 193, "firms"),
    ("eu_reshoring_2014_2018", "EU", "reshoring_firms_cumulative", 2014, 2018, 253, "firms"),
    ("jp_reshoring_2006_2018", "JPN", "reshoring_firms_cumulative", 2006, 2018, 7633, "firms"),
]
PUBLISHERS = {"kr_uturn_2020": "MOTIE", "kr_uturn_2021": "MOTIE", "kr_uturn_2022": "MOTIE",
              "kr_uturn_cum_2021": "MOTIE", "kr_uturn_cum_2022": "MOTIE",
              "kr_uturn_fki_2014_2018": "FKI", "eu_reshoring_2014_2018": "FKI"}

# NCSES KTI tables: table 1992 in millions, table 6234 in billions (as published).
KTI_PRODUCT_EXPORTS_WORLD_USD_M = {2017: 7_600_000.0, 2018: 8_000_000.0}
KTI_TIVA_EXPORTS_WORLD_USD_BN = {2017: 6_900.0, 2018: 7_000.0}


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([["" if v is None else v for v in row] for row in rows])
    return path


def write_indicator_sources(raw_dir: Path) -> None:
    """Every indicator source file, in the layout of the data mirror."""
    economies = sorted({c for c, _ in [*RD_GDP, *HIGHTECH_EXPORTS]} | set(IDI_2017))
    wdi_rows = [
        *([c, "GB.XPD.RSDV.GD.ZS", y, v] for (c, y), v in sorted(RD_GDP.items())),
        *([c, "TX.VAL.TECH.MF.ZS", y, v] for (c, y), v in sorted(HIGHTECH_EXPORTS.items())),
        ["KOR", "NY.GDP.MKTP.CD", 2018, 1.7254e12],
        ["KOR", "NE.EXP.GNFS.ZS", 2018, 44.0],
    ]
    write_csv(raw_dir / "wdi/wdi_selected_long.csv", ["country_code", "indicator_code", "year", "value"], wdi_rows)
    write_csv(
        raw_dir / "wdi/wdi_indicators.csv",
        ["indicator_code", "indicator_name", "description"],
        [
            ["GB.XPD.RSDV.GD.ZS", "Research and development expenditure (% of GDP)",
             "Gross domestic expenditures on research and development (R&D), expressed as a percent of GDP.\n\nThey include both capital and current expenditures."],
            ["TX.VAL.TECH.MF.ZS", "High-technology exports (% of manufactured exports)", "High-technology exports are products with high R&D intensity."],
            ["NY.GDP.MKTP.CD", "GDP (current US$)", "GDP at purchaser's prices, in current U.S. dollars."],
            ["NE.EXP.GNFS.ZS", "Exports of goods and services (% of GDP)", "Exports as a share of GDP."],
        ],
    )
    write_csv(
        raw_dir / "wdi/wdi_countries_unm49.csv",
        ["country_name", "country_code", "region"],
        [[NAMES[c][0], c, "Somewhere"] for c in economies],
    )
    write_csv(
        raw_dir / "wdi/wdi_NV.IND.MANF.ZS_vintage2013_long.csv",
        ["country_code", "country_name", "indicator_code", "year", "value"],
        [
            ["KOR", "Korea, Rep.", "NV.IND.MANF.ZS", 2011, 31.27],
            ["ROM", "Romania", "NV.IND.MANF.ZS", 2011, 22.5],
            ["WLD", "World", "NV.IND.MANF.ZS", 2011, 16.5],
            ["OEC", "OECD members", "NV.IND.MANF.ZS", 2011, 15.0],
        ],
    )
    write_csv(
        raw_dir / "wdi/wb_income_group_history.csv",
        ["country_code", "country_name", "wb_fiscal_year", "fiscal_year_end", "gni_data_year", "income_group_code", "income_group"],
        [
            *(["KOR", "Korea, Rep.", f"FY{(y + 2) % 100:02d}", y + 2, y, "H", "High income"] for y in range(2010, 2020)),
            ["KOR", "Korea, Rep.", "FY00", 2000, 1998, "UM", "Upper middle income"],
            ["YEM", "Yemen, Rep.", "FY89", 1989, 1987, "LM*", "Lower middle income"],
        ],
    )
    write_csv(
        raw_dir / "wdi/wb_country_classification_current.csv",
        ["economy", "country_code", "region", "income_group", "lending_category", "other_emu_hipc"],
        [
            *([NAMES[c][0], c, "Region", "High income", None, "EMU" if c in ("DEU", "FIN") else None] for c in economies),
            ["Romania", "ROU", "Europe & Central Asia", "High income", None, None],
            ["Yemen, Rep.", "YEM", "Middle East & North Africa", "Low income", "IDA", None],
            [None, None, None, None, None, None],  # the sheet's separator row
            ["World", "WLD", None, None, None, None],
        ],
    )
    write_csv(
        raw_dir / "itu_idi/itu_idi_2017.csv",
        ["idi_rank_2017", "iso3", "itu_country_name", "idi_2017"],
        [[i, c, NAMES[c][1], v] for i, (c, v) in enumerate(sorted(IDI_2017.items(), key=lambda kv: -kv[1]), start=1)],
    )
    write_csv(
        raw_dir / "patents/patstat_pct_by_country_techlevel_year.csv",
        ["country_iso3", "tech_level", "year", "pct_patent_count"],
        [[c, level, y, n] for (c, y), levels in sorted(PATSTAT.items()) for level, n in levels.items()],
    )
    _write_ncses(raw_dir)
    write_csv(
        raw_dir / "kita2021_published/kita2021_reshoring_and_innovation_figures.csv",
        ["figure_id", "country_iso3", "metric", "period_start", "period_end", "value", "unit", "source_url", "source_note"],
        [
            [fid, c, metric, start, end, value, unit, f"https://example.invalid/{fid}",
             f"{PUBLISHERS.get(fid, 'KITA report')} as quoted"]
            for fid, c, metric, start, end, value, unit in PUBLISHED
        ],
    )


def _write_ncses(raw_dir: Path) -> None:
    folder = raw_dir / "ncses_sei"
    fields = ["ALL FIELDS", *sorted({f for families in WIPO_FAMILIES.values() for f in families})]
    table_ids = {field: 5820 if field == "ALL FIELDS" else 5900 + i for i, field in enumerate(fields)}
    family_rows = []
    for field in fields:
        world = 0.0
        for country, path in NCSES_REGIONS.items():
            families = WIPO_FAMILIES[country]
            value = sum(families.values()) if field == "ALL FIELDS" else families[field]
            world += value
            family_rows.append([table_ids[field], "SINV-x", field, path, path.split(" -> ")[-1], "High", WIPO_YEAR, value, None])
        family_rows.append([table_ids[field], "SINV-x", field, "World", "World", None, WIPO_YEAR, world, None])
    write_csv(
        folder / "sei_patent_families_by_wipo_field.csv",
        ["table_id", "table_number", "wipo_field", "region_path", "region", "income_level", "year", "value", "value_flag"],
        family_rows,
    )
    write_csv(
        folder / "sei_pct_applications_by_area.csv",
        ["table_id", "table_number", "tech_area", "region_path", "region", "year", "value", "value_flag"],
        [
            [10558, "SINV-11", "ALL AREAS", "World -> Asia -> South Korea", "South Korea", 2022, 20776.0, None],
            [10560, "SINV-13", "electrical engineering", "World -> Asia -> South Korea", "South Korea", 2022, 9650.0, None],
            [10558, "SINV-11", "ALL AREAS", "WIPO", "WIPO", 2022, 5000.0, None],
        ],
    )
    kti_header = ["table_id", "table_number", "table_title", "units", "region_path", "region", "year", "value", "value_flag"]
    write_csv(
        folder / "sei_kti_value_added_and_trade.csv",
        kti_header,
        [
            *_kti_world_exports(1992, "S6-18", "Exports and imports of KTI products: 2003–18", KTI_PRODUCT_EXPORTS_WORLD_USD_M),
            [1976, "S6-2", "Value added of KTI industries: 2002–18", "Millions of current dollars",
             "World -> Asia -> South Korea", "South Korea", 2018, 285296.0, None],
        ],
    )
    title_6234 = "Exports and imports of KTI industries for select countries: 2002–18"
    write_csv(
        folder / "sei_kti_trade_select_countries.csv",
        kti_header,
        [
            *_kti_world_exports(6234, "SKTI-20", title_6234, KTI_TIVA_EXPORTS_WORLD_USD_BN),
            [6234, "SKTI-20", title_6234, "Millions of current dollars", "Exports -> World -> Russia ", "Russia ", 2018, 20.5, None],
        ],
    )
    write_csv(
        folder / "oecd_rd_intensity_classification_isic4.csv",
        ["rd_intensity_category", "sector", "isic_rev4_code", "industry_name", "rd_intensity_pct"],
        [
            ["High R&D intensity", "Manufacturing", "21", "Pharmaceuticals", 27.98],
            ["Medium-high R&D intensity", "Nonmanufacturing", "62–63", "IT and other information services", 5.92],
            ["Low R&D intensity", "Nonmanufacturing", "68", "Real estate activities", 0.01],
        ],
    )
    write_csv(
        folder / "sei_gerd_gdp_selected_countries.csv",
        ["country", "measure", "period_or_sub", "period", "value"],
        [
            ["South Korea", "GERD", "2010", None, 52.2],
            ["South Korea", "GERD-to-GDP ratio (%)", "2021a", None, 4.93],
            ["Russia (2020)", "GERD-to-GDP ratio (%)", "2021a", None, 1.1],
            ["EU-27", "GERD", "1990", None, "NA"],
            ["South Korea", "Longer-term growth rates (CAGR)", "GERD", "2010–21a", 8.5],
        ],
    )


def _kti_world_exports(table_id: int, number: str, title: str, values: dict[int, float]) -> list[list]:
    """The 'Exports' heading row (no value) and the World row of a KTI table, each year."""
    units = "Millions of current dollars"  # as both tables state, though 6234 is in billions
    return [
        *([table_id, number, title, units, "Exports", "Exports", year, None, None] for year in values),
        *([table_id, number, title, units, "Exports -> World", "World", year, v, None] for year, v in values.items()),
    ]
