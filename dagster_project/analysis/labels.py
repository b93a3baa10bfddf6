"""Words for the codes of the analysis tables: one place for every label a reader sees.

The report, its summary and its charts say "Knowledge-intensive business services", never
`kibs`; an unknown code falls back to itself with underscores as spaces, so a new code
shows up readable rather than breaking the report.
"""

from __future__ import annotations

import re

SERVICE_GROUPS = {
    "all_services": "All services",
    "distribution": "Distribution services",
    "business": "Business services",
    "kibs": "Knowledge-intensive business services",
    "finance": "Financial services",
    "telecom": "IT (post and telecom)",
    "it": "IT services",
}
# Facet titles and axis labels where the long name does not fit.
SERVICE_GROUPS_SHORT = {
    "all_services": "All services",
    "distribution": "Distribution",
    "business": "Business",
    "kibs": "KIBS",
    "finance": "Finance",
    "telecom": "IT (post & telecom)",
    "it": "IT",
}
SAMPLES = {
    "all_manufacturing": "all manufacturing",
    "higher_tech": "higher-tech industries",
    "lower_tech": "lower-tech industries",
    "high_income": "high-income economies",
    "manufacturing_oriented": "manufacturing-oriented economies",
    "korea_taiwan": "Korea and Taiwan",
}
# The specification curves' dimensions and choices (dbt/seeds/analysis/specification_choices.csv),
# in the order the charts list them.
CURVE_DIMENSIONS = {
    "service_group": "group", "it_proxy": "IT proxy", "conv_measure": "measure", "dependent": "dependent",
    "industries": "industries", "estimator": "estimator", "country_type": "economies", "period": "years",
}
CURVE_CHOICES = {
    **SERVICE_GROUPS_SHORT,
    "it_c27": "c27 (post & telecom)", "it_c30": "c30 (business, with computer services)", "it_c27_c30": "c27 + c30",
    "input_share": "input share", "direct": "direct coefficient", "leontief_total": "Leontief total",
    "leontief_domestic": "Leontief domestic",
    "va_proxy": "ln(value-added proxy)", "gross_output": "ln(gross output)",
    "manufacturing": "manufacturing", "all": "all 35 industries",
    "within_year": "country×industry + year FE", "within_country_year": "country×industry + country×year FE",
    "pooled_country_year_industry": "pooled: country×year + industry FE",
    "all_economies": "all economies", "wb_high_income": "high-income (World Bank)", "service_oriented": "service-oriented",
    "high_income_service_oriented": "high-income, service-oriented", "wb_not_high_income": "not high-income (World Bank)",
    "manufacturing_oriented": "manufacturing-oriented",
    "high_income_manufacturing_oriented": "high-income, manufacturing-oriented",
    "other_manufacturing_oriented": "not high-income, manufacturing-oriented", "korea_taiwan": "Korea and Taiwan",
    "1996_2011": "1996–2011", "2000_2011": "2000–2011",
}
STUDIES = {
    "kiet2018": "Manufacturing–services convergence (2018 study, WIOD 2013)",
    "kita2021": "Manufacturing innovation and supply chains (KITA 2021)",
}
FINDINGS = {
    "1": "Finding 1: convergence strengthened worldwide; Korea's is low",
    "2": "Finding 2: convergence raised production, IT services the most",
    "3": "Finding 3: the effect by technology level and country type",
    "4": "Finding 4: IT convergence in Korea and Taiwan",
    "5": "Finding 5: servitization business models",
}
# KITA 2021 claim groups, in the report's order.
CLAIM_GROUPS = {
    "innovation_rank": "World ranks on the innovation index components",
    "intermediate_exports": "Growth of intermediate-goods exports",
    "foreign_value_added": "Foreign value added in final demand",
    "reshoring": "Reshoring and returning firms",
}
COMPONENTS = {
    "rd_gdp_pct": "R&D expenditure (% of GDP)",
    "hightech_export_share_pct": "High-tech exports (% of manufactured exports)",
    "hightech_patent_share_pct": "High-tech patents, PATSTAT (% of manufacturing PCT applications)",
    "hightech_patent_share_wipo_pct": "High-tech patents, WIPO fields (% of granted families)",
    "ict_idi": "ICT Development Index (0–10)",
}
COMPONENTS_SHORT = {
    "rd_gdp_pct": "R&D, % of GDP",
    "hightech_export_share_pct": "High-tech exports, %",
    "hightech_patent_share_pct": "High-tech patents (PATSTAT), %",
    "hightech_patent_share_wipo_pct": "High-tech patents (WIPO), %",
    "ict_idi": "ICT Development Index",
}
COMPOSITES = {
    "composite_zscore": "Composite: mean z-score",
    "composite_minmax": "Composite: mean min-max score",
    "composite_mean_rank": "Composite: mean rank",
}
VERDICTS = {
    "reproduced": "reproduced",
    "not reproduced": "not reproduced",
    "differs": "differs from the published figure",
    "not testable with this data": "not testable with this data",
}
# Names of the economies the charts and sentences name; others come from marts.dim_country.
COUNTRIES = {
    "KOR": "Korea", "TWN": "Taiwan", "USA": "United States", "DEU": "Germany", "JPN": "Japan",
    "CHN": "China", "ISR": "Israel", "EU": "European Union", "RoW": "rest of the world",
}


def label(mapping: dict[str, str], code) -> str:
    """The words for `code` in `mapping`, or the code with underscores as spaces."""
    if code is None:
        return ""
    return mapping.get(str(code), str(code).replace("_", " "))


def country(code, names: dict[str, str] | None = None) -> str:
    return (names or {}).get(str(code)) or COUNTRIES.get(str(code)) or str(code)


RELEASES = {"wiod2013": "WIOD 2013", "wiod2016": "WIOD 2016", "oecd_icio": "OECD ICIO"}
# Codes that are never ordinary words, replaced wherever they stand in free text.
_CODES = {
    **{code: words.lower() for code, words in SAMPLES.items()},
    **{code: words.lower() for code, words in SERVICE_GROUPS.items() if "_" in code or code == "kibs"},
    "telecom": "post and telecom",
    **COMPONENTS_SHORT,
    **RELEASES,
    "complete_cases": "complete-cases",
}
# Service-group names that are also ordinary words ("business models"): replaced only as
# the key of a list item, "business: β=...", "finance, high_income: ...".
_KEYS = {code: words.lower() for code, words in SERVICE_GROUPS.items() if code not in _CODES}
_CODE_PATTERN = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _CODES), key=len, reverse=True)) + r")\b")
_KEY_PATTERN = re.compile(r"\b(" + "|".join(map(re.escape, _KEYS)) + r")(?=[:,] )")


def words(text: str) -> str:
    """Free text (a ledger's evidence or reason) with service-group, sample, component and
    release codes replaced by words. Apply once: "business" becomes "business services"."""
    text = _CODE_PATTERN.sub(lambda m: _CODES[m.group(1)], str(text))
    return _KEY_PATTERN.sub(lambda m: _KEYS[m.group(1)], text)
