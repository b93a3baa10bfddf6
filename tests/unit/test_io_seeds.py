"""The classification seeds of WIOD 2016 and OECD ICIO agree with the readers and their sources."""

import pandas as pd
import pytest

from dagster_project.releases import oecd_icio, wiod2016
from dagster_project.settings import DBT_PROJECT_DIR
from tests.helpers.warehouse import SHARED_DATA
from tests.helpers.wiod_sample import WIOD2016_RELEASE_COUNTRIES

SEEDS = DBT_PROJECT_DIR / "seeds" / "input_output"
OECD_TAXONOMY = SHARED_DATA / "ncses_sei" / "oecd_rd_intensity_classification_isic4.csv"
WIOD2016_META = SHARED_DATA / "wiod2016_meta" / "wiod2016_industry_classification.csv"

# The OECD's five R&D-intensity classes onto the seed's four levels (see _seeds.yml).
LEVELS = {"High": "high", "Medium-high": "medium_high", "Medium": "medium_low", "Medium-low": "low", "Low": "low"}
ORDER = ["Low", "Medium-low", "Medium", "Medium-high", "High"]
# The OECD taxonomy's ISIC rev.4 entries each industry is made of (25X: fabricated metal
# products except weapons, the bulk of division 25; see _seeds.yml).
WIOD2016_PARTS = {
    "C10-C12": ["10–12"], "C13-C15": ["13", "14", "15"], "C16": ["16"], "C17": ["17"], "C18": ["18"],
    "C19": ["19"], "C20": ["20"], "C21": ["21"], "C22": ["22"], "C23": ["23"], "C24": ["24"], "C25": ["25X"],
    "C26": ["26"], "C27": ["27"], "C28": ["28"], "C29": ["29"], "C30": ["301", "303", "30X"],
    "C31_C32": ["31", "32X", "325"], "C33": ["33"],
}
ICIO_PARTS = {
    "D10T12": ["10–12"], "D13T15": ["13", "14", "15"], "D16": ["16"], "D17T18": ["17", "18"], "D19": ["19"],
    "D20": ["20"], "D21": ["21"], "D22": ["22"], "D23": ["23"], "D24": ["24"], "D25": ["25X"], "D26": ["26"],
    "D27": ["27"], "D28": ["28"], "D29": ["29"], "D30": ["301", "303", "30X"], "D31T33": ["31", "32X", "325", "33"],
}
ICIO_2021_ECONOMIES = (
    "AUS", "AUT", "BEL", "CAN", "CHL", "COL", "CRI", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN", "ISL",
    "IRL", "ISR", "ITA", "JPN", "KOR", "LVA", "LTU", "LUX", "MEX", "NLD", "NZL", "NOR", "POL", "PRT", "SVK", "SVN",
    "ESP", "SWE", "CHE", "TUR", "GBR", "USA", "ARG", "BRA", "BRN", "BGR", "KHM", "CHN", "HRV", "CYP", "IND", "IDN",
    "HKG", "KAZ", "LAO", "MYS", "MLT", "MAR", "MMR", "PER", "PHL", "ROU", "RUS", "SAU", "SGP", "ZAF", "TWN", "THA",
    "TUN", "VNM", "ROW",
)
# The economies the 2022 and 2023 editions added (76 countries + ROW).
ICIO_2023_ADDED = ("BGD", "BLR", "CIV", "CMR", "EGY", "JOR", "NGA", "PAK", "SEN", "UKR")


def seed(name: str) -> pd.DataFrame:
    return pd.read_csv(SEEDS / f"{name}.csv", dtype=str, keep_default_na=False)


def of(frame: pd.DataFrame, classification: str) -> pd.DataFrame:
    return frame[frame["classification"] == classification]


@pytest.mark.parametrize("classification, codes", [("wiod2016", wiod2016.INDUSTRY_CODES), ("oecd_icio", oecd_icio.INDUSTRY_CODES)])
def test_industries_are_the_readers_codes_with_manufacturing_marked(classification, codes):
    industries = of(seed("industries"), classification)
    assert tuple(industries["industry_code"]) == codes
    manufacturing = industries.loc[industries["broad_sector"] == "manufacturing", "industry_code"]
    parts = WIOD2016_PARTS if classification == "wiod2016" else ICIO_PARTS
    assert list(manufacturing) == list(parts)


@pytest.mark.skipif(not WIOD2016_META.exists(), reason=f"no data mirror at {SHARED_DATA}")
def test_wiod2016_codes_and_names_are_the_release_classification():
    meta = pd.read_csv(WIOD2016_META, dtype=str)
    meta = meta[meta["industry_code"].isin(wiod2016.INDUSTRY_CODES)]
    assert tuple(meta["industry_code"]) == wiod2016.INDUSTRY_CODES
    names = of(seed("industries"), "wiod2016").set_index("industry_code")["industry_name"]
    assert list(names[meta["industry_code"]]) == [d.strip() for d in meta["description"]]


@pytest.mark.skipif(not OECD_TAXONOMY.exists(), reason=f"no data mirror at {SHARED_DATA}")
@pytest.mark.parametrize("classification, parts", [("wiod2016", WIOD2016_PARTS), ("oecd_icio", ICIO_PARTS)])
def test_technology_levels_follow_the_oecd_rd_intensity_taxonomy(classification, parts):
    taxonomy = pd.read_csv(OECD_TAXONOMY, dtype=str)
    taxonomy = taxonomy[taxonomy["sector"] == "Manufacturing"]
    category = dict(zip(taxonomy["isic_rev4_code"], taxonomy["rd_intensity_category"].str.replace(" R&D intensity", "")))
    expected = {}
    for industry, isic in parts.items():
        classes = sorted((category[code] for code in isic), key=ORDER.index)
        median = classes[(len(classes) - 1) // 2]  # the lower middle one for an even count
        expected[industry] = LEVELS[median]
    levels = of(seed("industry_technology_levels"), classification).set_index("industry_code")
    assert levels["technology_level"].to_dict() == expected
    higher = {i for i, level in expected.items() if level in ("high", "medium_high")}
    assert set(levels.index[levels["technology_group"] == "higher"]) == higher
    assert set(levels.index[levels["technology_group"] == "lower"]) == set(expected) - higher


def test_service_groups_name_existing_industries_and_it_exists_where_computer_services_do():
    groups, industries = seed("service_groups"), seed("industries")
    known = set(zip(industries["classification"], industries["industry_code"]))
    assert set(zip(groups["classification"], groups["industry_code"])) <= known
    members = groups.groupby(["classification", "service_group"])["industry_code"].apply(tuple).to_dict()
    assert members["wiod2016", "it"] == ("J62_J63",) and members["oecd_icio", "it"] == ("D62T63",)
    assert ("wiod2013", "it") not in members
    assert members["wiod2016", "telecom"] == ("J61",)
    assert members["wiod2016", "finance"] == ("K64", "K65", "K66")
    assert members["wiod2016", "business"] == ("M69_M70", "M71", "M72", "M73", "M74_M75", "N")
    assert members["wiod2016", "kibs"] == ("J61", "J62_J63", "K64", "K65", "K66", "M69_M70", "M71", "M72", "M73", "M74_M75")
    services = of(industries, "wiod2016")
    assert members["wiod2016", "all_services"] == tuple(services.loc[services["broad_sector"] == "services", "industry_code"])


def test_every_economy_of_the_releases_is_a_country():
    countries = seed("countries").set_index("country_code")
    assert set(WIOD2016_RELEASE_COUNTRIES) | set(ICIO_2021_ECONOMIES) | set(ICIO_2023_ADDED) <= set(countries.index)
    assert countries.loc["ROW", "is_rest_of_world"] == "true" and countries.loc["ROW", "iso3"] == ""
    assert countries.loc["ROU", "iso3"] == countries.loc["ROM", "iso3"] == "ROU"
