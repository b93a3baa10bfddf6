"""The indicator source readers: layout and types, and a clear error for every kind of malformed file.

What the declarations promise about the content (rows, keys, ranges, codes) is checked by the
audit: tests/integration/test_innovation_source_checks.py.
"""

from pathlib import Path

import pandas as pd
import pytest

from dagster_project.indicators import catalogue as indicator_sources
from dagster_project.indicators.ncses import NCSES_GERD_GDP
from dagster_project.indicators.reader import SourceFileError, read_source, stage_source
from dagster_project.indicators.world_bank import WB_COUNTRY_CLASSIFICATION, WDI_INDICATORS, WDI_VALUES
from tests.helpers.indicator_samples import write_csv, write_indicator_sources

WDI_HEADER = ["country_code", "indicator_code", "year", "value"]


def wdi_file(raw: Path, rows: list[list], header: list[str] = WDI_HEADER) -> Path:
    return write_csv(raw / WDI_VALUES.path, header, rows)


def error(raw: Path, source=WDI_VALUES) -> str:
    with pytest.raises(SourceFileError) as exc:
        read_source(raw, source)
    return str(exc.value)


def test_every_generated_source_reads_with_its_declared_types(tmp_path):
    write_indicator_sources(tmp_path)
    for source in indicator_sources.SOURCES:
        table = read_source(tmp_path, source)
        assert list(table.frame.columns) == [c.name for c in source.columns]
        assert len(table.frame) > 0 and len(table.sha256) == 64 and table.ignored_columns == ()
    wdi = read_source(tmp_path, WDI_VALUES).frame
    assert str(wdi["year"].dtype) == "Int64" and str(wdi["value"].dtype) == "Float64"


def test_quoted_multiline_cells_and_the_source_quirks_are_read(tmp_path):
    write_indicator_sources(tmp_path)
    description = read_source(tmp_path, WDI_INDICATORS).frame.set_index("indicator_code").loc["GB.XPD.RSDV.GD.ZS", "description"]
    assert "\n\nThey include" in description
    # The CLASS sheet's all-empty separator row is skipped, not read as an economy.
    classification = read_source(tmp_path, WB_COUNTRY_CLASSIFICATION).frame
    assert classification["country_code"].notna().all() and "WLD" in set(classification["country_code"])
    # NCSES writes NA for missing values.
    gerd = read_source(tmp_path, NCSES_GERD_GDP).frame
    assert gerd.loc[gerd["country"] == "EU-27", "value"].isna().all()


def test_a_missing_file_names_the_path_and_the_table(tmp_path):
    message = error(tmp_path)
    assert str(tmp_path / "wdi/wdi_selected_long.csv") in message
    assert "missing" in message and "raw.wdi_indicator_values" in message


def test_an_empty_file_and_a_header_without_rows_fail(tmp_path):
    path = tmp_path / WDI_VALUES.path
    path.parent.mkdir(parents=True)
    path.write_bytes(b"")
    assert "empty file" in error(tmp_path)
    path.write_text("country_code,indicator_code,year,value\n")
    assert f"{path}: has a header but no data rows" in error(tmp_path)


def test_a_renamed_column_is_reported_with_what_was_found(tmp_path):
    path = wdi_file(tmp_path, [["KOR", "X", 2018, 1.0]], ["country_code", "indicator", "year", "value"])
    message = error(tmp_path)
    assert f"{path}: line 1: column(s) indicator_code missing from the header" in message
    assert "found: country_code, indicator, year, value" in message


def test_a_non_numeric_cell_names_its_line_and_column(tmp_path):
    path = wdi_file(tmp_path, [["KOR", "X", 2017, 1.0], ["KOR", "X", 2018, "4,5"]])
    assert error(tmp_path) == f"{path}: line 3, column value: '4,5' is not a number (expected DOUBLE)"


def test_a_non_integer_year_and_an_empty_required_cell_fail(tmp_path):
    path = wdi_file(tmp_path, [["KOR", "X", "2018.5", 1.0]])
    assert error(tmp_path) == f"{path}: line 2, column year: '2018.5' is not a whole number (expected SMALLINT)"
    wdi_file(tmp_path, [["KOR", "X", 2018, ""]])
    assert "line 2, column value: empty, but a DOUBLE value is required" in error(tmp_path)


def test_non_finite_numbers_fail(tmp_path):
    path = wdi_file(tmp_path, [["KOR", "X", 2018, "nan"]])
    assert error(tmp_path) == f"{path}: line 2, column value: 'nan' is not a finite number (expected DOUBLE)"
    wdi_file(tmp_path, [["KOR", "X", 2018, "-inf"]])
    assert error(tmp_path) == f"{path}: line 2, column value: '-inf' is not a finite number (expected DOUBLE)"


def test_a_row_with_too_many_fields_and_broken_quoting_fail(tmp_path):
    path = wdi_file(tmp_path, [["KOR", "X", 2017, 1.0, "extra"]])
    assert error(tmp_path) == f"{path}: line 2: 5 field(s), expected 4 as in the header (country_code, indicator_code, year, value)"
    path.write_text('country_code,indicator_code,year,value\nKOR,"X"Y,2017,1.0\n')
    assert f"{path}: line 2: malformed CSV" in error(tmp_path)


def test_blank_rows_are_an_error_where_the_source_has_none(tmp_path):
    path = wdi_file(tmp_path, [["KOR", "X", 2017, 1.0], ["", "", "", ""], ["KOR", "X", 2018, 1.0]])
    assert f"{path}: line 3, column country_code: empty" in error(tmp_path)


def test_bytes_that_are_not_utf8_name_their_line(tmp_path):
    path = tmp_path / WDI_VALUES.path
    path.parent.mkdir(parents=True)
    path.write_bytes("country_code,indicator_code,year,value\nKOR,X,2017,1\nC\xf4te,X,2017,1\n".encode("latin-1"))
    assert error(tmp_path) == (
        f"{path}: line 3: byte 0xf4 at offset 53 is not valid UTF-8; the file must be UTF-8 encoded"
    )


def test_line_numbers_count_the_lines_of_multiline_cells(tmp_path):
    path = write_csv(
        tmp_path / WDI_INDICATORS.path,
        ["indicator_code", "indicator_name", "description"],
        [["A", "a", "two\nlines"], ["B", "b", "x"], ["A", "again", "y"]],
    )
    assert error(tmp_path, WDI_INDICATORS).startswith(f"{path}: lines 2 and 5 repeat the key (indicator_code='A')")


def test_undeclared_columns_are_reported_and_not_loaded(tmp_path):
    wdi_file(tmp_path, [["KOR", "X", 2017, 1.0, "n"]], [*WDI_HEADER, "note"])
    table = stage_source(tmp_path, WDI_VALUES)  # the reader alone: code X is no WDI indicator
    assert table.ignored_columns == ("note",) and "note" not in table.frame


def test_every_source_has_a_unique_table_and_file():
    tables = [s.table for s in indicator_sources.SOURCES]
    paths = [s.path for s in indicator_sources.SOURCES]
    assert len(set(tables)) == len(tables) and len(set(paths)) == len(paths)
    assert all(pd.notna(s.units) and s.units for s in indicator_sources.SOURCES)
