"""The checks of the indicator ingest assets (quality/indicator_audit.py): row count, unique key,
value ranges and known codes.

Each check fails on a small file generated in the source's layout, with a message naming the
file, the column, the line and key of the first offending row and what was expected, and
passes on every real file of the data mirror. Through Dagster: the ingest asset reports each
as an asset check, writes nothing when a blocking one fails, and loads a short file with a
warning.
"""

import dagster as dg
import pytest

from dagster_project.definitions import build_defs
from dagster_project.indicators import catalogue as indicator_sources
from dagster_project.indicators.catalogue import SOURCES
from dagster_project.indicators.itu import ITU_IDI_2017
from dagster_project.indicators.kita import KITA_PUBLISHED
from dagster_project.indicators.ncses import NCSES_GERD_GDP
from dagster_project.indicators.reader import SourceFileError, read_source, stage_source
from dagster_project.indicators.world_bank import WDI_NON_NEGATIVE_LEVELS, WDI_VALUES
from dagster_project.quality.indicator_audit import (
    KNOWN_VALUES,
    ROW_COUNT,
    UNIQUE_KEY,
    VALUE_RANGES,
    audit_known_values,
    audit_row_count,
    audit_source,
    audit_unique_key,
    audit_value_ranges,
    declared_checks,
)
from dagster_project.settings import Settings
from tests.helpers.indicator_samples import write_csv, write_indicator_sources
from tests.helpers.warehouse import SHARED_DATA, warehouse_connection

ITU_HEADER = ["idi_rank_2017", "iso3", "itu_country_name", "idi_2017"]
WDI_HEADER = ["country_code", "indicator_code", "year", "value"]
GERD_HEADER = ["country", "measure", "period_or_sub", "period", "value"]
KITA_HEADER = ["figure_id", "country_iso3", "metric", "period_start", "period_end", "value", "unit", "source_url", "source_note"]


def read_error(raw, source) -> str:
    with pytest.raises(SourceFileError) as exc:
        read_source(raw, source)
    return str(exc.value)


def test_every_check_passes_on_every_real_file_whose_row_count_is_its_floor():
    for source in SOURCES:
        outcomes = audit_source(stage_source(SHARED_DATA, source))
        assert [(o.check.name, o.finding.description) for o in outcomes if not o.finding.passed] == [], source.table
        rows = next(o.finding.metadata["rows"] for o in outcomes if o.check.name == ROW_COUNT)
        assert rows == source.min_rows.rows, source.table  # the floors are the mirror's files, as declared


def test_each_source_declares_its_checks_with_what_blocks():
    declared = {source.table: [(c.name, c.blocking) for c in declared_checks(source)] for source in SOURCES}
    assert declared["itu_idi_2017"] == [(ROW_COUNT, False), (UNIQUE_KEY, True), (VALUE_RANGES, True)]
    assert declared["wdi_indicator_values"] == [(ROW_COUNT, False), (UNIQUE_KEY, True), (VALUE_RANGES, True), (KNOWN_VALUES, True)]
    assert declared["wdi_indicators"] == [(ROW_COUNT, False), (UNIQUE_KEY, True)]
    ranged = {table for table, checks in declared.items() if (VALUE_RANGES, True) in checks}
    assert {"ncses_kti_value_added_and_trade", "ncses_kti_trade_select_countries", "ncses_gerd_gdp_selected_countries",
            "kita2021_published_figures", "oecd_rd_intensity_classification"} <= ranged
    (ranges,) = [c.description for c in declared_checks(ITU_IDI_2017) if c.name == VALUE_RANGES]
    assert ranges.startswith("Every value within its declared range (idi_rank_2017 [1, inf); idi_2017 [0, 10]): ")


def test_a_short_file_fails_the_row_count_but_is_not_blocked(tmp_path):
    write_indicator_sources(tmp_path)  # 6 economies of the 176
    table = stage_source(tmp_path, ITU_IDI_2017)
    finding = audit_row_count(table)
    assert not finding.passed and finding.metadata == {"rows": 6, "min_rows": 176}
    assert finding.description == (
        f"{tmp_path / ITU_IDI_2017.path}: 6 data row(s), fewer than the 176 of a complete file "
        "(the 176 economies ITU ranked in 2017)"
    )
    assert len(read_source(tmp_path, ITU_IDI_2017).frame) == 6  # read_source raises on blocking checks only


def test_a_repeated_key_names_both_lines_and_counts_the_repeats(tmp_path):
    path = write_csv(tmp_path / WDI_VALUES.path, WDI_HEADER, [
        ["KOR", "X", 2017, 1.0], ["USA", "X", 2017, 2.0], ["KOR", "X", 2017, 3.0], ["USA", "X", 2017, 2.0],
    ])
    finding = audit_unique_key(stage_source(tmp_path, WDI_VALUES))
    expected = (
        f"{path}: lines 2 and 4 repeat the key (country_code='KOR', indicator_code='X', year=2017); "
        "each (country_code, indicator_code, year) must appear once"
    )
    assert (finding.passed, finding.description, finding.metadata) == (False, expected, {"repeated_rows": 2})
    assert read_error(tmp_path, WDI_VALUES).startswith(expected)


def test_values_outside_their_range_name_column_line_key_and_range(tmp_path):
    path = write_csv(tmp_path / ITU_IDI_2017.path, ITU_HEADER, [
        [1, "KOR", "Korea", 8.85], [0, "JPN", "Japan", 88.5], [3, "USA", "United States", -0.5],
    ])
    expected = (
        f"{path}: column idi_rank_2017: 1 value(s) outside [1, inf), first on line 3 (iso3='JPN'): 0; "
        "column idi_2017: 2 value(s) outside [0, 10], first on line 3 (iso3='JPN'): 88.5"
    )
    finding = audit_value_ranges(stage_source(tmp_path, ITU_IDI_2017))
    assert (finding.passed, finding.description) == (False, expected)
    assert finding.metadata == {"values_outside": {"idi_rank_2017": 1, "idi_2017": 2}}
    assert read_error(tmp_path, ITU_IDI_2017) == expected


def test_wdi_ranges_hold_on_shares_and_levels_only(tmp_path):
    path = write_csv(tmp_path / WDI_VALUES.path, WDI_HEADER, [
        ["KOR", "GB.XPD.RSDV.GD.ZS", 2018, 450.0],   # R&D/GDP in per mille: a share above 100
        ["SGP", "NE.EXP.GNFS.ZS", 2018, 176.0],      # exports can exceed GDP: not a bounded share
        ["KOR", "NY.GDP.MKTP.CD", 2018, -1.0],       # GDP below zero
        ["IRL", "BX.KLT.DINV.CD.WD", 2018, -5e9],    # net FDI inflows can be negative
        ["KOR", "TX.VAL.TECH.MF.ZS", 2018, 36.4],
    ])
    assert audit_value_ranges(stage_source(tmp_path, WDI_VALUES)).description == (
        f"{path}: column value: 1 value(s) outside [0, 100] where indicator_code is among the indicator_code "
        "values the seed wdi_indicator_units marks is_bounded_share (dbt/seeds), first on line 2 "
        "(country_code='KOR', indicator_code='GB.XPD.RSDV.GD.ZS', year=2018): 450.0; "
        f"column value: 1 value(s) outside [0, inf) where indicator_code is {' or '.join(map(repr, WDI_NON_NEGATIVE_LEVELS))}, "
        "first on line 4 (country_code='KOR', indicator_code='NY.GDP.MKTP.CD', year=2018): -1.0"
    )


def test_gerd_and_published_figures_are_bounded_by_their_measure_and_unit(tmp_path):
    gerd = write_csv(tmp_path / NCSES_GERD_GDP.path, GERD_HEADER, [
        ["South Korea", "GERD-to-GDP ratio (%)", "2021a", None, 493.0],  # percent times 100
        ["South Korea", "GDP", "2021a", None, 2400.0],
        ["Russia (2020)", "Longer-term growth rates (CAGR)", "GERD", "2010–21a", -8.0],  # growth may be negative
    ])
    assert audit_value_ranges(stage_source(tmp_path, NCSES_GERD_GDP)).description == (
        f"{gerd}: column value: 1 value(s) outside [0, 100] where measure is 'GERD-to-GDP ratio (%)', first on line 2 "
        "(country='South Korea', measure='GERD-to-GDP ratio (%)', period_or_sub='2021a', period=NULL): 493.0"
    )
    kita = write_csv(tmp_path / KITA_PUBLISHED.path, KITA_HEADER, [
        ["rank_rd_gdp_kor", "KOR", "world_rank_rd_expenditure_pct_gdp", None, None, 0, "rank", "https://example.invalid", None],
        ["kr_uturn_2014", "KOR", "reshoring_firms_count", 2014, 2014, -20, "firms", "https://example.invalid", None],
        ["int_exp_growth_jpn", "JPN", "intermediate_goods_exports_to_world_growth", 2011, 2019, -1.8, "percent",
         "https://example.invalid", None],  # growth in percent may be negative
    ])
    assert audit_value_ranges(stage_source(tmp_path, KITA_PUBLISHED)).description == (
        f"{kita}: column value: 1 value(s) outside [1, inf) where unit is 'rank', first on line 2 "
        "(figure_id='rank_rd_gdp_kor'): 0.0; "
        "column value: 1 value(s) outside [0, inf) where unit is 'firms', first on line 3 (figure_id='kr_uturn_2014'): -20.0"
    )


def test_unknown_codes_name_the_seed_or_the_list_they_miss(tmp_path):
    path = write_csv(tmp_path / KITA_PUBLISHED.path, KITA_HEADER, [
        ["rank_rd_gdp_kor", "KOR", "world_rank_rd_expenditure_pct_gdp", None, None, 2, "rank", "https://example.invalid", None],
        ["not_a_figure", "KOR", "x", None, None, 2, "per mille", "https://example.invalid", None],
    ])
    finding = audit_known_values(stage_source(tmp_path, KITA_PUBLISHED))
    assert finding.description == (
        f"{path}: figure_id: 1 unknown value(s) ('not_a_figure'); expected figure_id values listed in the seed "
        "innovation_claims (dbt/seeds); unit: 1 unknown value(s) ('per mille'); expected one of rank, firms, percent, "
        "percentage_points"
    )
    assert finding.metadata == {"unknown_values": {"figure_id": ["not_a_figure"], "unit": ["per mille"]}}


def test_the_ingest_asset_reports_each_check_and_loads_a_short_file_with_a_warning(tmp_path):
    write_indicator_sources(tmp_path / "raw")
    settings = Settings(data_mirror=tmp_path / "mirror", raw_dir=tmp_path / "raw", warehouse_dir=tmp_path / "warehouse")
    key = dg.AssetKey(ITU_IDI_2017.asset_key)
    result = build_defs(settings).resolve_job_def("refresh_all").execute_in_process(
        asset_selection=[key], instance=dg.DagsterInstance.ephemeral(), raise_on_error=False,
    )
    assert result.success
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert {name: (e.passed, e.severity) for name, e in evaluations.items()} == {
        ROW_COUNT: (False, dg.AssetCheckSeverity.WARN),
        UNIQUE_KEY: (True, dg.AssetCheckSeverity.ERROR),
        VALUE_RANGES: (True, dg.AssetCheckSeverity.ERROR),
    }
    assert evaluations[ROW_COUNT].description.endswith("6 data row(s), fewer than the 176 of a complete file "
                                                       "(the 176 economies ITU ranked in 2017)")
    with warehouse_connection(settings) as con:
        assert con.execute(f"select count(*) from {ITU_IDI_2017.qualified_table}").fetchone() == (6,)


def test_every_ingest_asset_declares_the_checks_of_its_source(tmp_path):
    settings = Settings(data_mirror=tmp_path, raw_dir=tmp_path / "raw", warehouse_dir=tmp_path / "warehouse")
    graph = build_defs(settings).resolve_asset_graph()
    for source in indicator_sources.SOURCES:
        key = dg.AssetKey(source.asset_key)
        declared = [(c.name, c.blocking, c.description) for c in declared_checks(source)]
        specs = [graph.get_check_spec(k) for k in sorted(graph.get_check_keys_for_assets({key}), key=lambda k: k.name)]
        assert sorted(declared) == [(s.name, s.blocking, s.description) for s in specs], source.table
