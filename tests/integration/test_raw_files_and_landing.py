"""The raw folder's guards: `make data` and the landing sensor never lose a newer file, never accept
an unchecked one, never write outside the raw folder, and say clearly what they did and why.

Cases of the bad-input catalogue for files on their way into `data/raw/` (issue 17, items
2, 3, 4, 7, 8, 9); each runs on a small generated raw folder, landing folder and mirror.
"""

import os
import shutil

import dagster as dg
import numpy as np
import pytest
import rdata

from dagster_project.cli import data_sync
from dagster_project.indicators import itu, reader, world_bank
from dagster_project.storage import raw_files
from tests.helpers.warehouse import SHARED_DATA, landing_tick
from tests.helpers.wiod_sample import sample_year, write_rdata

ITU = "itu_idi/itu_idi_2017.csv"
WDI = "wdi/wdi_selected_long.csv"
COUNTRIES = ("KOR", "DEU", "USA", "RoW")  # a small year table, Korea first


def land(settings, relative: str, content: bytes):
    path = settings.landing_dir / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def itu_with_iceland_at(value: str) -> bytes:
    lines = (SHARED_DATA / ITU).read_text(encoding="utf-8").splitlines()
    assert lines[1].startswith("1,ISL,Iceland,8.98"), lines[1]
    return ("\n".join([lines[0], lines[1].replace("8.98", value), *lines[2:]]) + "\n").encode()


def test_make_data_keeps_a_landed_file_says_so_and_replaces_it_only_when_told(landing_setup, monkeypatch, capsys):
    settings, defs, instance = landing_setup
    land(settings, ITU, itu_with_iceland_at("8.50"))
    result, _ = landing_tick(defs, instance)
    assert isinstance(result, dg.SensorResult), result
    assert (settings.raw_dir / ITU).read_bytes() == itu_with_iceland_at("8.50")
    assert raw_files.load_manifest(settings.raw_dir)[ITU]["origin"] == "landing"

    sync = data_sync.sync_mirror(settings.data_mirror, settings.raw_dir)
    assert sync.copied == [] and len(sync.kept) == 1
    assert sync.kept[0].startswith(f"kept {ITU}: it was accepted from the landing folder on ")
    assert "DATA_REFRESH=mirror" in sync.kept[0]
    assert (settings.raw_dir / ITU).read_bytes() == itu_with_iceland_at("8.50")

    for name, value in {
        "DATA_MIRROR": settings.data_mirror, "RAW_DATA_DIR": settings.raw_dir, "WAREHOUSE_DIR": settings.warehouse_dir,
        "DATA_REFRESH": "mirror", "WORLD_BANK_API_URL": "http://127.0.0.1:9", "WIOD2013_BASE_URL": "http://127.0.0.1:9",
        "ITU_IDI_URL": "http://127.0.0.1:9/idi.csv", "DOWNLOAD_RETRIES": "0", "DOWNLOAD_TIMEOUT_S": "1",
    }.items():
        monkeypatch.setenv(name, str(value))
    assert data_sync.main([]) == 0
    assert "data: 1 file(s) copied" in capsys.readouterr().out
    assert (settings.raw_dir / ITU).read_bytes() == (SHARED_DATA / ITU).read_bytes()
    assert raw_files.load_manifest(settings.raw_dir)[ITU]["origin"] == "mirror"


def test_a_file_edited_in_place_after_the_mirror_copy_is_kept(landing_setup):
    settings, _, _ = landing_setup
    (settings.raw_dir / ITU).write_bytes(itu_with_iceland_at("8.40"))
    sync = data_sync.sync_mirror(settings.data_mirror, settings.raw_dir)
    assert sync.kept[0].startswith(f"kept {ITU}: it was changed after the mirror copy of ")
    assert (settings.raw_dir / ITU).read_bytes() == itu_with_iceland_at("8.40")


def test_a_year_with_one_block_in_thousands_is_rejected_by_the_accounting_identities(landing_setup):
    settings, defs, instance = landing_setup
    good = (settings.raw_dir / "wiod2013" / "rdata" / "wiot_2001.RData").read_bytes()
    scratch = write_rdata(settings.warehouse_dir / "build", sample_year(2001, seed=7, countries=COUNTRIES))
    objects = rdata.read_rda(scratch)
    inter = np.asarray(objects["wiot_2001"]["inter"]).copy()
    inter[:35] *= 1000  # Korea's rows in thousands, its gross output still in millions
    objects["wiot_2001"]["inter"] = inter
    rdata.write_rda(scratch, objects)
    landed = land(settings, "wiod2013/rdata/wiot_2001.RData", scratch.read_bytes())
    result, _ = landing_tick(defs, instance)
    assert isinstance(result, dg.SkipReason)
    assert f"rejected: {landed}: the 2001 table fails its blocking checks: io_accounting_identities:" in result.skip_message
    assert "unbalanced rows" in result.skip_message
    assert (settings.raw_dir / "wiod2013" / "rdata" / "wiot_2001.RData").read_bytes() == good
    assert landed.exists()


def test_an_indicator_file_with_a_code_the_seeds_lack_is_rejected(landing_setup):
    settings, defs, instance = landing_setup
    lines = (SHARED_DATA / WDI).read_text(encoding="utf-8").splitlines()
    country, code, *rest = lines[1].split(",")
    landed = land(settings, WDI, ("\n".join([lines[0], ",".join([country, "NEW.CODE.X", *rest]), *lines[2:]]) + "\n").encode())
    result, _ = landing_tick(defs, instance)
    assert isinstance(result, dg.SkipReason)
    assert (
        f"rejected: {landed}: indicator_code: 1 unknown value(s) ('NEW.CODE.X'); "
        "expected indicator_code values listed in the seed wdi_indicator_units"
    ) in result.skip_message
    assert not (settings.raw_dir / WDI).exists()


def test_a_landed_symlink_is_refused_without_reading_its_target(landing_setup, tmp_path):
    settings, defs, instance = landing_setup
    secret = tmp_path / "outside" / "secret.csv"
    secret.parent.mkdir()
    secret.write_text("root:x:0:0:the first line must never be echoed\n")
    link = settings.landing_dir / ITU
    link.parent.mkdir(parents=True)
    link.symlink_to(secret)
    (settings.landing_dir / "wdi").symlink_to(secret.parent, target_is_directory=True)
    result, context = landing_tick(defs, instance)
    assert isinstance(result, dg.SkipReason)
    assert f"rejected: {link}: a symbolic link; land the file itself" in result.skip_message
    assert f"rejected: {settings.landing_dir / 'wdi'}: a symbolic link" in result.skip_message
    assert "root:x" not in result.skip_message
    assert (settings.raw_dir / ITU).read_bytes() == (SHARED_DATA / ITU).read_bytes()
    again, _ = landing_tick(defs, instance, cursor=context.cursor)
    assert again.skip_message == "no new or changed files"


def test_nothing_is_written_through_a_symlinked_raw_folder(landing_setup, tmp_path):
    settings, defs, instance = landing_setup
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.move(settings.raw_dir / "itu_idi", tmp_path / "itu_moved")
    (settings.raw_dir / "itu_idi").symlink_to(outside, target_is_directory=True)
    sync = data_sync.sync_mirror(settings.data_mirror, settings.raw_dir)
    assert sync.copied == [] and len(sync.errors) == 1
    assert f"{ITU}: would be written outside {settings.raw_dir}" in sync.errors[0]
    landed = land(settings, ITU, itu_with_iceland_at("8.50"))
    result, _ = landing_tick(defs, instance)
    assert isinstance(result, dg.SkipReason)
    assert f"rejected: {ITU}: would be written outside {settings.raw_dir}" in result.skip_message
    assert list(outside.iterdir()) == [] and landed.exists()


def test_a_folder_where_a_raw_file_belongs_is_named_as_such(landing_setup, monkeypatch, capsys):
    settings, _, _ = landing_setup
    (settings.raw_dir / ITU).unlink()
    (settings.raw_dir / ITU).mkdir()
    with pytest.raises(reader.SourceFileError, match="a folder, where the raw.itu_idi_2017 source file"):
        reader.read_source(settings.raw_dir, itu.ITU_IDI_2017)
    monkeypatch.setenv("DATA_MIRROR", str(settings.data_mirror))
    monkeypatch.setenv("RAW_DATA_DIR", str(settings.raw_dir))
    monkeypatch.setenv("WAREHOUSE_DIR", str(settings.warehouse_dir))
    assert data_sync.main([]) == 1
    assert f"data: error: {settings.raw_dir / ITU}: a folder is where the mirror's file {ITU} belongs" in capsys.readouterr().err
    assert not [p for p in settings.raw_dir.rglob("*") if p.name.endswith(".partial")]


def test_a_file_appended_to_itself_names_its_first_repeated_key_in_linear_time(tmp_path):
    lines = (SHARED_DATA / WDI).read_text(encoding="utf-8").splitlines()
    (tmp_path / "wdi").mkdir()
    (tmp_path / WDI).write_text("\n".join([*lines, *lines[1:]]) + "\n", encoding="utf-8")
    country, code, year, _ = lines[1].split(",")
    with pytest.raises(reader.SourceFileError) as error:
        reader.read_source(tmp_path, world_bank.WDI_VALUES)
    assert str(error.value) == (
        f"{tmp_path / WDI}: lines 2 and {len(lines) + 1} repeat the key "
        f"(country_code='{country}', indicator_code='{code}', year={int(year)}); "
        "each (country_code, indicator_code, year) must appear once"
    )


def test_the_replaced_raw_file_is_kept_until_the_landed_files_run_succeeds(landing_setup):
    settings, defs, instance = landing_setup
    land(settings, ITU, itu_with_iceland_at("8.50"))
    result, context = landing_tick(defs, instance)
    (request,) = result.run_requests
    entry = raw_files.load_manifest(settings.raw_dir)[ITU]
    previous = entry["previous"]
    assert open(previous, "rb").read() == (SHARED_DATA / ITU).read_bytes()
    # The requested run has not run yet: the previous file stays.
    landing_tick(defs, instance, cursor=context.cursor)
    assert os.path.exists(previous)
    job = defs.resolve_job_def("refresh_all")
    tags = {"dagster/run_key": request.run_key}
    instance.create_run_for_job(job, tags=tags, status=dg.DagsterRunStatus.FAILURE)
    landing_tick(defs, instance, cursor=context.cursor)
    assert os.path.exists(previous) and raw_files.load_manifest(settings.raw_dir)[ITU]["previous_reported"]
    instance.create_run_for_job(job, tags=tags, status=dg.DagsterRunStatus.SUCCESS)  # a retry that succeeded
    landing_tick(defs, instance, cursor=context.cursor)
    assert not os.path.exists(previous) and "previous" not in raw_files.load_manifest(settings.raw_dir)[ITU]
