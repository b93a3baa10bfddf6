"""The bad-input catalogue: every case fails with a message naming the file, the row or column
and what was expected, and leaves the warehouse tables and the published snapshot unchanged.

Each case breaks one file of the good sample run (tests/conftest.py: sample_pipeline), runs
what reads it, checks the message and the checksums, and restores the file.
"""

import shutil
import threading

import dagster as dg
import numpy as np
import pytest
import rdata

from dagster_project.definitions import build_defs
from tests.helpers.warehouse import changed_tables_since, latest_snapshot, run_io_years

YEAR = "2010"
RDATA = f"wiod2013/rdata/wiot_{YEAR}.RData"
WDI = "wdi/wdi_selected_long.csv"
ITU = "itu_idi/itu_idi_2017.csv"
WDI_KEY = dg.AssetKey(["raw", "wdi_indicator_values"])
ITU_KEY = dg.AssetKey(["raw", "itu_idi_2017"])


@pytest.fixture
def pipeline(sample_pipeline):
    settings = sample_pipeline.settings
    defs = build_defs(settings)
    snapshot, published = latest_snapshot(settings), settings.lake.published_snapshot()
    broken: list = []

    def replace(relative: str, content: bytes | None) -> None:
        """Put `content` where the file was, or a folder if `content` is None."""
        path = settings.raw_dir / relative
        broken.append((path, path.read_bytes() if not path.is_symlink() else None, path.resolve()))
        path.unlink()
        if content is None:
            path.mkdir()
        else:
            path.write_bytes(content)

    yield settings, defs, replace
    for path, content, target in broken:
        path.rmdir() if path.is_dir() else path.unlink()
        if content is None:
            path.symlink_to(target)
        else:
            path.write_bytes(content)
    assert changed_tables_since(settings, snapshot) == {}, "warehouse tables changed"
    assert settings.lake.published_snapshot() == published, "published again"


def edit_rdata(settings, change) -> bytes:
    objects = rdata.read_rda(settings.raw_dir / RDATA)
    change(objects[f"wiot_{YEAR}"])
    scratch = settings.warehouse_dir.parent / "scratch.RData"
    rdata.write_rda(scratch, objects)
    return scratch.read_bytes()


def io_failure(defs) -> str:
    result = run_io_years(defs, [YEAR])
    assert not result.success
    return "\n".join(str(e.step_failure_data.error) for e in result.all_events if e.is_step_failure)


def source_failure(defs, key: dg.AssetKey) -> str:
    result = defs.resolve_job_def("refresh_all").execute_in_process(
        asset_selection=[key], instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
    )
    assert not result.success
    return "\n".join(str(e.step_failure_data.error) for e in result.all_events if e.is_step_failure)


def csv_with(settings, relative: str, edit) -> bytes:
    lines = (settings.raw_dir / relative).read_text(encoding="utf-8").splitlines()
    return ("\n".join(edit(lines)) + "\n").encode("utf-8")


def test_truncated_rdata(pipeline):
    settings, defs, replace = pipeline
    replace(RDATA, (settings.raw_dir / RDATA).read_bytes()[:2000])
    assert f"{settings.raw_dir / RDATA}: not a readable RData file" in io_failure(defs)


def test_csv_with_a_renamed_column(pipeline):
    settings, defs, replace = pipeline
    replace(ITU, csv_with(settings, ITU, lambda lines: [lines[0].replace("idi_2017", "idi"), *lines[1:]]))
    message = source_failure(defs, ITU_KEY)
    assert f"{settings.raw_dir / ITU}: line 1: column(s) idi_2017 missing from the header" in message


def test_non_numeric_cell(pipeline):
    settings, defs, replace = pipeline
    replace(ITU, csv_with(settings, ITU, lambda lines: [lines[0], lines[1].replace("8.98", "8.9x"), *lines[2:]]))
    assert f"{settings.raw_dir / ITU}: line 2, column idi_2017: '8.9x' is not a number" in source_failure(defs, ITU_KEY)


def test_duplicate_key_rows(pipeline):
    settings, defs, replace = pipeline
    lines = (settings.raw_dir / WDI).read_text(encoding="utf-8").splitlines()
    replace(WDI, csv_with(settings, WDI, lambda lines: [*lines, lines[1]]))
    country, code, year, _ = lines[1].split(",")
    assert (
        f"{settings.raw_dir / WDI}: lines 2 and {len(lines) + 1} repeat the key (country_code='{country}', "
        f"indicator_code='{code}', year={year}); each (country_code, indicator_code, year) must appear once; "
        "nothing was written and raw.wdi_indicator_values is unchanged"
    ) in source_failure(defs, WDI_KEY)


def test_a_value_outside_its_range_fails_its_check_and_writes_nothing(pipeline):
    settings, defs, replace = pipeline
    replace(ITU, csv_with(settings, ITU, lambda lines: [lines[0], lines[1].replace("8.98", "89.8"), *lines[2:]]))
    result = defs.resolve_job_def("refresh_all").execute_in_process(
        asset_selection=[ITU_KEY], instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
    )
    expected = f"{settings.raw_dir / ITU}: column idi_2017: 1 value(s) outside [0, 10], first on line 2 (iso3='ISL'): 89.8"
    checks = {e.check_name: (e.passed, e.description) for e in result.get_asset_check_evaluations()}
    assert checks == {
        "row_count": (True, "176 data rows (at least 176 expected)"),
        "unique_key": (True, "each (iso3) appears once"),
        "value_ranges": (False, expected),
    }
    (failure,) = [str(e.step_failure_data.error) for e in result.all_events if e.is_step_failure]
    assert f"{expected}; nothing was written and raw.itu_idi_2017 is unchanged" in failure


def test_an_indicator_code_the_seeds_lack_fails_its_check_and_writes_nothing(pipeline):
    settings, defs, replace = pipeline

    def new_code(lines):
        country, _, *rest = lines[1].split(",")
        return [lines[0], ",".join([country, "NEW.CODE.X", *rest]), *lines[2:]]
    replace(WDI, csv_with(settings, WDI, new_code))
    message = source_failure(defs, WDI_KEY)
    assert (
        f"{settings.raw_dir / WDI}: indicator_code: 1 unknown value(s) ('NEW.CODE.X'); expected indicator_code values "
        "listed in the seed wdi_indicator_units (dbt/seeds); nothing was written and raw.wdi_indicator_values is unchanged"
    ) in message


def test_a_folder_where_a_year_file_belongs(pipeline):
    settings, defs, replace = pipeline
    replace(RDATA, None)
    assert f"{settings.raw_dir / RDATA}: a folder, where an RData file is expected" in io_failure(defs)


def test_negative_gross_output(pipeline):
    settings, defs, replace = pipeline

    def negative(wiot):
        wiot["output"][23 * 35 + 13] = -1  # KOR c14
    replace(RDATA, edit_rdata(settings, negative))
    assert "(KOR c14) is -1; gross output must be >= 0" in io_failure(defs)


def test_unknown_country_code(pipeline):
    settings, defs, replace = pipeline

    def unknown(wiot):
        wiot["countries"][1] = "XYZ"  # AUT
    replace(RDATA, edit_rdata(settings, unknown))
    message = io_failure(defs)
    assert "flows_expectations" in message and "nothing was written" in message
    assert "XYZ" in message or "row_country" in message


def test_year_file_whose_content_is_another_year(pipeline):
    settings, defs, replace = pipeline

    def other_year(wiot):
        wiot["year"][0] = 2004
    replace(RDATA, edit_rdata(settings, other_year))
    assert f"{settings.raw_dir / RDATA}: the file is named for {YEAR} but its table says year 2004" in io_failure(defs)


def test_empty_files(pipeline):
    settings, defs, replace = pipeline
    replace(RDATA, b"")
    assert f"{settings.raw_dir / RDATA}: not a readable RData file" in io_failure(defs)
    replace(ITU, b"")
    assert f"{settings.raw_dir / ITU}: empty file; expected a CSV header" in source_failure(defs, ITU_KEY)


def test_values_in_thousands_where_millions_are_expected(pipeline):
    settings, defs, replace = pipeline

    def thousands(wiot):
        wiot["final"] = np.asarray(wiot["final"]) * 1000  # final demand in thousands, the rest in millions
    replace(RDATA, edit_rdata(settings, thousands))
    message = io_failure(defs)
    assert "io_accounting_identities" in message and "unbalanced rows" in message and "nothing was written" in message


def test_bytes_that_are_not_utf8(pipeline):
    settings, defs, replace = pipeline
    content = (settings.raw_dir / ITU).read_bytes().replace(b"Iceland", b"Ic\xe9land")
    replace(ITU, content)
    assert f"{settings.raw_dir / ITU}: line 2: byte 0xe9" in source_failure(defs, ITU_KEY)


def test_a_file_that_changes_in_the_landing_folder_while_it_is_validated(sample_pipeline, tmp_path, monkeypatch):
    """The landing sensor hashes before and after validating; a change in between leaves the file out."""
    from dagster_project.defs.automation import landing as sensors

    landed = tmp_path / "landing" / ITU
    landed.parent.mkdir(parents=True)
    shutil.copyfile(sample_pipeline.settings.raw_dir / ITU, landed)
    real_validate = sensors.validate

    def validate_while_writing(path, relative, scratch):
        result = real_validate(path, relative, scratch)
        writer = threading.Thread(target=lambda: path.write_bytes(path.read_bytes() + b"NOR,1,Norway,8.47\n"))
        writer.start()
        writer.join()
        return result

    monkeypatch.setattr(sensors, "validate", validate_while_writing)
    raw = tmp_path / "raw"
    raw.mkdir()
    settings = sample_pipeline.settings.__class__(
        data_mirror=tmp_path, raw_dir=raw, warehouse_dir=tmp_path / "wh", landing_dir=tmp_path / "landing"
    )
    defs = build_defs(settings)
    context = dg.build_sensor_context(
        instance=dg.DagsterInstance.ephemeral(), definitions=defs,
        resources={k: defs.resources[k] for k in ("landing", "raw_files")},
    )
    result = defs.get_sensor_def("landing_folder")(context)
    assert isinstance(result, dg.SkipReason)
    assert f"deferred: {landed} changed while it was validated" in result.skip_message
    assert not (raw / ITU).exists()
    assert landed.exists()
