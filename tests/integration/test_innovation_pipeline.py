"""The innovation domain through Dagster and dbt, on small sources generated in the real layouts.

Expected ranks, normalisations, composites and growth rates are recomputed here with pandas
and numpy from the generated inputs, independently of the SQL, and compared exactly.
"""

import json

import dagster as dg
import numpy as np
import pandas as pd
import pytest

from dagster_project.cli.run import materialize_all
from dagster_project.definitions import build_defs
from dagster_project.defs.dbt.project import dbt_project
from dagster_project.indicators.catalogue import SOURCES
from dagster_project.indicators.itu import ITU_IDI_2017
from dagster_project.indicators.world_bank import WDI_VALUES
from dagster_project.settings import Settings
from tests.helpers.indicator_samples import (
    HIGHTECH_EXPORTS,
    IDI_2017,
    PATSTAT,
    PATSTAT_LAST_COMPLETE_YEAR,
    RD_GDP,
    REFERENCE_YEARS,
    WIPO_FAMILIES,
    WIPO_HIGH_TECH,
    WIPO_YEAR,
    write_csv,
    write_indicator_sources,
)
from tests.helpers.warehouse import table_checksums, warehouse_connection
from tests.helpers.wiod_sample import COUNTRIES, INDUSTRIES, sample_year, write_rdata

WIOD_YEARS = (2001, 2002, 2010)  # 2003-2009 missing: growth is never taken across the gap
DOMAINS = {"input_output", "innovation"}
INDEX_COMPONENTS = ["rd_gdp_pct", "hightech_export_share_pct", "hightech_patent_share_pct", "ict_idi"]
GOODS = [f"c{i}" for i in range(1, 17)]  # agriculture, mining (primary) and manufacturing


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("innovation")
    settings = Settings(data_mirror=root / "mirror", raw_dir=root / "raw", warehouse_dir=root / "warehouse")
    samples = {y: sample_year(y) for y in WIOD_YEARS}
    for sample in samples.values():
        write_rdata(settings.raw_dir, sample)
    write_indicator_sources(settings.raw_dir)
    defs = build_defs(settings)
    results = materialize_all(defs, dg.DagsterInstance.ephemeral(), report=lambda _: None, domains=DOMAINS)
    assert all(r.success for r in results)
    return settings, defs, samples


def query(settings: Settings, sql: str, params=()) -> pd.DataFrame:
    with warehouse_connection(settings) as con:
        return con.execute(sql, list(params)).df()


# ---- the expected index, computed independently ---------------------------------------------

def observed() -> dict[str, dict[tuple[str, int], float]]:
    patstat = {}
    for (country, year), levels in PATSTAT.items():
        if year <= PATSTAT_LAST_COMPLETE_YEAR:
            patstat[(country, year)] = 100 * levels.get("High Tech", 0) / sum(levels.values())
    wipo = {
        (c, WIPO_YEAR): 100 * sum(v for f, v in fields.items() if f in WIPO_HIGH_TECH) / sum(fields.values())
        for c, fields in WIPO_FAMILIES.items()
    }
    return {
        "rd_gdp_pct": RD_GDP,
        "hightech_export_share_pct": HIGHTECH_EXPORTS,
        "hightech_patent_share_pct": patstat,
        "ict_idi": {(c, 2017): v for c, v in IDI_2017.items()},
        "hightech_patent_share_wipo_pct": wipo,
    }


def latest(series: dict[tuple[str, int], float], reference_year: int) -> pd.DataFrame:
    """Latest value at or before the reference year per economy: columns value, year."""
    frame = pd.DataFrame([(c, y, v) for (c, y), v in series.items() if y <= reference_year], columns=["country", "year", "value"])
    return frame.sort_values("year").groupby("country").last()


def expected_index(reference_year: int) -> pd.DataFrame:
    values = {name: latest(series, reference_year) for name, series in observed().items()}
    members = sorted(set.intersection(*(set(values[c].index) for c in INDEX_COMPONENTS)))
    table = pd.DataFrame(index=members)
    for name, frame in values.items():
        in_set = frame.reindex(members)["value"].dropna()
        table[name] = in_set
        table[f"{name}_year"] = frame["year"]
        table[f"{name}_rank"] = in_set.rank(ascending=False, method="min")
        table[f"{name}_minmax"] = (in_set - in_set.min()) / (in_set.max() - in_set.min())
        table[f"{name}_zscore"] = (in_set - in_set.mean()) / in_set.std(ddof=0)
    table["composite_minmax"] = table[[f"{c}_minmax" for c in INDEX_COMPONENTS]].mean(axis=1)
    table["composite_zscore"] = table[[f"{c}_zscore" for c in INDEX_COMPONENTS]].mean(axis=1)
    table["composite_mean_rank"] = table[[f"{c}_rank" for c in INDEX_COMPONENTS]].mean(axis=1)
    table["composite_minmax_rank"] = table["composite_minmax"].rank(ascending=False, method="min")
    table["composite_zscore_rank"] = table["composite_zscore"].rank(ascending=False, method="min")
    table["composite_rank_of_mean_rank"] = table["composite_mean_rank"].rank(ascending=True, method="min")
    return table


@pytest.mark.parametrize("reference_year", REFERENCE_YEARS)
def test_ranks_normalisations_and_composites_equal_an_independent_computation(built, reference_year):
    settings, _, _ = built
    expected = expected_index(reference_year)
    stored = query(
        settings,
        "select * from marts.fct_innovation_index where reference_year = ? and in_comparison_set order by country_iso3",
        [reference_year],
    ).set_index("country_iso3")
    assert list(stored.index) == list(expected.index)
    assert (stored["comparison_set"] == "complete_cases").all()
    assert (stored["comparison_set_size"] == len(expected)).all()
    for column in expected.columns:
        np.testing.assert_allclose(
            stored[column].to_numpy(dtype=float), expected[column].to_numpy(dtype=float), rtol=1e-12, atol=1e-12,
            err_msg=f"{column} in {reference_year}",
        )


def test_the_comparison_set_is_the_economies_with_all_four_components(built):
    settings, _, _ = built
    members = query(
        settings,
        "select reference_year, list(country_iso3 order by country_iso3) as members "
        "from marts.fct_innovation_index where in_comparison_set group by all order by 1",
    )
    assert members["members"].map(list).tolist() == [
        ["JPN", "KOR", "USA"],  # 2017: DEU and ISR report R&D from 2018 only
        ["DEU", "ISR", "JPN", "KOR", "USA"],
        ["DEU", "ISR", "JPN", "KOR", "USA"],
    ]


def test_ties_stale_values_and_incomplete_patent_years(built):
    settings, _, _ = built
    rows = query(settings, "select * from marts.fct_innovation_index where reference_year = 2018").set_index("country_iso3")
    # JPN and DEU tie at 3.1: both third, and the next rank is fifth.
    assert rows.loc[["ISR", "KOR", "JPN", "DEU", "USA"], "rd_gdp_pct_rank"].tolist() == [1, 2, 3, 3, 5]
    # USA's latest R&D value is from 2015, and it is used with its year.
    assert (rows.loc["USA", "rd_gdp_pct"], rows.loc["USA", "rd_gdp_pct_year"]) == (2.8, 2015)
    # PATSTAT 2014 is incomplete: KOR keeps its 2013 share (30%), not 2014's 1 of 1.
    assert (rows.loc["KOR", "hightech_patent_share_pct"], rows.loc["KOR", "hightech_patent_share_pct_year"]) == (30.0, 2013)
    # ISL tops the IDI but reports nothing else; FIN has no IDI: outside the set, world ranks kept.
    assert not rows.loc["ISL", "in_comparison_set"] and rows.loc["ISL", "ict_idi_world_rank"] == 1
    assert pd.isna(rows.loc["ISL", "ict_idi_rank"]) and pd.isna(rows.loc["FIN", "composite_minmax"])
    assert rows.loc["KOR", "ict_idi_world_rank"] == 2 and rows.loc["KOR", "ict_idi_rank"] == 1
    assert rows.loc["FIN", "rd_gdp_pct_world_rank"] == 6 and rows.loc["FIN", "rd_gdp_pct_world_n"] == 6


def test_components_hold_both_patent_definitions_with_their_counts(built):
    settings, _, _ = built
    kor = query(
        settings, "select * from marts.fct_innovation_components where country_iso3 = 'KOR' order by year"
    ).set_index("year")
    assert kor.loc[2013, ["hightech_patents_patstat", "manufacturing_patents_patstat", "hightech_patent_share_pct"]].tolist() == [30, 100, 30.0]
    assert 2014 not in kor.index  # the incomplete PATSTAT year is left out
    assert kor.loc[2018, ["hightech_patent_families_wipo", "patent_families_wipo", "hightech_patent_share_wipo_pct"]].tolist() == [30, 100, 30.0]
    assert kor.loc[2017, "ict_idi"] == 8.85 and kor.loc[2018, "rd_gdp_pct"] == 4.5
    assert kor.loc[2018, "country_name"] == "Korea, Rep."


def goods_exports(sample, exporter: str, partner: str | None) -> float:
    rows = [COUNTRIES.index(exporter) * len(INDUSTRIES) + INDUSTRIES.index(i) for i in GOODS]
    partners = [p for p in COUNTRIES if p != exporter] if partner is None else [partner]
    cols = [COUNTRIES.index(p) * len(INDUSTRIES) + k for p in partners for k in range(len(INDUSTRIES))]
    return float(sample.inter[np.ix_(rows, cols)].sum())


def test_intermediate_exports_are_intermediate_use_abroad_of_goods(built):
    settings, _, samples = built
    rows = query(
        settings,
        "select * from marts.fct_intermediate_exports where exporter_country_code = 'KOR' "
        "and partner_country_code in ('USA', 'WLD') order by partner_country_code, year",
    ).set_index(["partner_country_code", "year"])
    for year, sample in samples.items():
        assert rows.loc[("USA", year), "intermediate_goods_exports_usd_m"] == goods_exports(sample, "KOR", "USA")
        assert rows.loc[("WLD", year), "intermediate_goods_exports_usd_m"] == goods_exports(sample, "KOR", None)
    growth = 100 * (goods_exports(samples[2002], "KOR", "USA") / goods_exports(samples[2001], "KOR", "USA") - 1)
    assert rows.loc[("USA", 2002), "yoy_growth_pct"] == pytest.approx(growth, rel=1e-12)
    assert pd.isna(rows.loc[("USA", 2010), "yoy_growth_pct"])  # 2009 is missing
    assert (rows["release_last_year"] == 2010).all() and rows.loc[("WLD", 2001), "partner_share_pct"] == 100
    economies = query(settings, "select count(distinct exporter_country_code) as n from marts.fct_intermediate_exports")
    assert economies["n"].item() == len(COUNTRIES) - 1  # the rest of the world is no exporter


def test_period_growth_and_the_periods_the_release_does_not_cover(built):
    settings, _, samples = built
    growth = query(
        settings,
        "select * from marts.fct_intermediate_export_growth where exporter_country_code = 'USA' and partner_country_code = 'WLD'",
    ).set_index("period")
    start, end = goods_exports(samples[2001], "USA", None), goods_exports(samples[2010], "USA", None)
    assert growth.loc["study_2001_2010", "cagr_pct"] == pytest.approx(100 * ((end / start) ** (1 / 9) - 1), rel=1e-12)
    assert growth.loc["study_2001_2010", "total_growth_pct"] == pytest.approx(100 * (end / start - 1), rel=1e-12)
    uncovered = growth.loc["study_2011_2019"]
    assert not uncovered["is_covered"] and pd.isna(uncovered["cagr_pct"])
    assert uncovered["coverage_note"] == "wiod2013 covers 2001-2010: the period 2011-2019 is not covered"


def test_the_claims_ledger_judges_each_published_figure(built):
    settings, _, samples = built
    ledger = query(settings, "select * from marts.claims_ledger").set_index("claim_id")
    assert len(ledger) == 47 and ledger["reason"].notna().all()
    kor = ledger.loc["rank_rd_gdp_kor"]
    assert (kor["published_value"], kor["computed_value"], kor["verdict"]) == (2, 2, "reproduced")
    assert kor["reason"].startswith("KOR rd_gdp_pct = 4.500 (2018) ranks 2 of 6 economies reporting at or before 2018 (above: ISR)")
    jpn = ledger.loc["rank_rd_gdp_jpn"]
    assert (jpn["computed_value"], jpn["difference"], jpn["verdict"]) == (3, -2, "differs")
    assert "higher than the published 5" in jpn["reason"]
    assert ledger.loc["rank_rd_gdp_deu", "verdict"] == "reproduced"  # tied third
    assert ledger.loc["rank_idi_kor", "computed_value"] == 2 and "(above: ISL)" in ledger.loc["rank_idi_kor", "reason"]
    exports = ledger.loc["rank_hitech_exports_kor"]
    assert (exports["computed_value"], exports["verdict"]) == (1, "reproduced")
    assert ledger.loc["rank_hitech_patents_kor__wipo", "computed_value"] == 3  # ISR 60, USA 45, KOR 30
    assert ledger.loc["rank_hitech_patents_kor__patstat", "comparison_set_rank"] == 4
    # Growth since 2011 is beyond the release; the 2001-10 rate the study implies is testable.
    assert ledger.loc["int_exp_growth_usa", "verdict"] == "not testable with this data"
    assert "covers 2001-2010: the period 2011-2019 is not covered" in ledger.loc["int_exp_growth_usa", "reason"]
    implied = ledger.loc["int_exp_growth_2001_2010_usa"]
    start, end = goods_exports(samples[2001], "USA", None), goods_exports(samples[2010], "USA", None)
    assert implied["published_value"] == pytest.approx(2.7 - (-1.2))
    cagr = 100 * ((end / start) ** (1 / 9) - 1)
    assert implied["computed_value"] == pytest.approx(cagr, rel=1e-12)
    difference = cagr - (2.7 - (-1.2))
    assert implied["difference"] == pytest.approx(difference, rel=1e-9)
    assert implied["verdict"] == ("reproduced" if abs(difference) <= 0.5 else "differs")
    reshoring = ledger[ledger["claim_group"] == "reshoring"]
    assert len(reshoring) == 18 and (reshoring["verdict"] == "not testable with this data").all()
    # The foreign value-added share is testable for 2011 where a table covers it; this sample ends in 2010.
    fva = ledger.loc["fva_share_final_demand_kor_2011"]
    assert fva["verdict"] == "not testable with this data" and fva["reason"].startswith("No input-output table covers 2011 for KOR")
    assert ledger.loc["fva_share_final_demand_kor_2019", "reason"].startswith("The input-output tables end in 2011")


def test_reshoring_restates_the_published_counts(built):
    settings, _, _ = built
    reshoring = query(settings, "select * from marts.fct_reshoring").set_index("figure_id")
    assert len(reshoring) == 17  # the jobs share of US reshoring is a percentage, not a count
    japan = reshoring.loc["jp_reshoring_2006_2018"]
    assert (japan["count_basis"], japan["period_years"], japan["firms_per_year"]) == ("cumulative", 13, 7633 / 13)
    assert reshoring.loc["kr_uturn_2020", "publisher"] == "MOTIE" and reshoring.loc["kr_uturn_fki_2014_2018", "publisher"] == "FKI"


def test_staging_converts_units_codes_and_income_years(built):
    settings, _, _ = built
    tiva = query(settings, "select year, value_usd_m, region, country_iso3 from staging.stg_ncses__kti_trade_select_countries order by all")
    assert tiva.loc[tiva["region"] == "World", "value_usd_m"].tolist() == [6_900_000.0, 7_000_000.0]
    assert tiva.loc[tiva["region"] == "Russia", "country_iso3"].tolist() == ["RUS"]
    vintage = query(settings, "select wb_code_2013, country_iso3, is_aggregate from staging.stg_wdi__manufacturing_va_vintage2013 order by 1")
    assert vintage.astype(object).where(vintage.notna(), None).values.tolist() == [["KOR", "KOR", False], ["OEC", None, True], ["ROM", "ROU", False], ["WLD", None, True]]
    income = query(settings, "select * from staging.stg_wb__income_group_history").set_index(["country_iso3", "year"])
    assert income.loc[("KOR", 2011), ["wb_fiscal_year", "fiscal_year_end", "income_group_code"]].tolist() == ["FY13", 2013, "H"]
    assert income.loc[("YEM", 1987), ["income_group_code", "is_flagged_in_source"]].tolist() == ["LM", True]
    gerd = query(settings, "select country_iso3, year, value from staging.stg_ncses__gerd_gdp_selected_countries where measure = 'gerd_gdp_pct' order by 1")
    assert gerd.values.tolist() == [["KOR", 2021, 4.93], ["RUS", 2020, 1.1]]


def test_ingest_assets_record_units_keys_and_schema(built):
    _, defs, _ = built
    specs = {spec.key: spec for spec in defs.resolve_all_asset_specs()}
    for source in SOURCES:
        spec = specs[dg.AssetKey(source.asset_key)]
        assert spec.group_name == "ingest" and "innovation" in spec.tags
        assert spec.metadata["units"] == source.units and spec.metadata["primary_key"] == list(source.key)
        assert [c.name for c in spec.metadata["dagster/column_schema"].columns] == [c.name for c in source.columns]
    assert specs[dg.AssetKey(["marts", "fct_innovation_index"])].group_name == "marts"
    assert dg.AssetKey(["raw", "wdi_indicator_values"]) in defs.resolve_asset_graph().get(
        dg.AssetKey(["staging", "stg_wdi__indicator_values"])
    ).parent_keys


def test_a_bad_source_fails_only_its_own_asset_and_leaves_its_table_unchanged(built):
    settings, defs, _ = built
    before = table_checksums(settings)
    wdi = settings.raw_dir / WDI_VALUES.path
    itu = settings.raw_dir / ITU_IDI_2017.path
    good_wdi, good_itu = wdi.read_bytes(), itu.read_bytes()
    write_csv(wdi, ["country_code", "indicator_code", "year", "value"], [["KOR", "GB.XPD.RSDV.GD.ZS", 2018, "4.5%"]])
    itu.unlink()
    try:
        result = materialize_all(defs, dg.DagsterInstance.ephemeral(), report=lambda _: None, domains=DOMAINS)[-1]
    finally:
        wdi.write_bytes(good_wdi)
        itu.write_bytes(good_itu)
    assert not result.success
    failures = {
        event.step_key: event.step_failure_data.error.message for event in result.all_events if event.is_step_failure
    }
    assert set(failures) == {"raw__wdi_indicator_values", "raw__itu_idi_2017"}
    assert f"{wdi}: line 2, column value: '4.5%' is not a number (expected DOUBLE)" in failures["raw__wdi_indicator_values"]
    assert f"{itu}: missing" in failures["raw__itu_idi_2017"]
    materialized = {event.asset_key.path[-1] for event in result.get_asset_materialization_events()}
    assert {s.table for s in SOURCES} - materialized == {"wdi_indicator_values", "itu_idi_2017"}
    # The input-output models do not depend on the indicators and are rebuilt; the innovation
    # models, which do, wait for a good file and keep their last tables.
    assert "fct_manufacturing_servitization" in materialized and "fct_innovation_index" not in materialized
    after = table_checksums(settings)
    for table in ("raw.wdi_indicator_values", "raw.itu_idi_2017", "marts.fct_innovation_index", "marts.claims_ledger"):
        assert after[table] == before[table], table


def test_every_column_of_the_innovation_models_is_documented(built):
    settings, _, _ = built
    manifest = json.loads(dbt_project.manifest_path.read_text())
    models = [
        node for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and "innovation" in node["tags"]
    ]
    assert len(models) > 20
    with warehouse_connection(settings) as con:
        for node in models:
            stored = [r[0] for r in con.execute(
                "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
                "order by ordinal_position", [node["schema"], node["alias"]],
            ).fetchall()]
            documented = {name for name, column in node["columns"].items() if column.get("description")}
            assert stored and not set(stored) - documented, (node["name"], sorted(set(stored) - documented))
            assert node["description"], node["name"]
