"""The catalogue of indicator sources: every file the innovation domain ingests, one asset each.

The order is the ingest assets' order in the code location (World Bank, ITU, PATSTAT, NCSES,
OECD, KITA, as the sources were added).
"""

from __future__ import annotations

from dagster_project.indicators.itu import ITU_IDI_2017
from dagster_project.indicators.kita import KITA_PUBLISHED
from dagster_project.indicators.ncses import (
    NCSES_GERD_GDP,
    NCSES_KTI,
    NCSES_KTI_TRADE_SELECT,
    NCSES_PATENT_FAMILIES,
    NCSES_PCT_APPLICATIONS,
)
from dagster_project.indicators.oecd import OECD_RD_INTENSITY
from dagster_project.indicators.patstat import PATSTAT_PCT
from dagster_project.indicators.reader import Source
from dagster_project.indicators.world_bank import (
    WB_COUNTRY_CLASSIFICATION,
    WB_INCOME_GROUP_HISTORY,
    WDI_COUNTRIES,
    WDI_INDICATORS,
    WDI_MANUFACTURING_VINTAGE_2013,
    WDI_VALUES,
)

SOURCES: tuple[Source, ...] = (
    WDI_VALUES,
    WDI_INDICATORS,
    WDI_COUNTRIES,
    WDI_MANUFACTURING_VINTAGE_2013,
    WB_INCOME_GROUP_HISTORY,
    WB_COUNTRY_CLASSIFICATION,
    ITU_IDI_2017,
    PATSTAT_PCT,
    NCSES_PATENT_FAMILIES,
    NCSES_PCT_APPLICATIONS,
    NCSES_KTI,
    NCSES_KTI_TRADE_SELECT,
    OECD_RD_INTENSITY,
    NCSES_GERD_GDP,
    KITA_PUBLISHED,
)
