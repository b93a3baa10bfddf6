"""Jobs, schedule and the landing-folder sensor, as Dagster loads and evaluates them."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg

from dagster_project.defs.automation.schedules import MONTHLY_REFRESH_CRON
from dagster_project.defs.input_output.partitions import io_years
from dagster_project.settings import PROJECT_ROOT
from tests.helpers.warehouse import landing_tick
from tests.helpers.wiod_sample import sample_year, write_rdata

evaluate = landing_tick


def test_definitions_validate_and_list_the_jobs_schedule_and_sensor():
    env = {**os.environ, "DAGSTER_HOME": str(PROJECT_ROOT / "dagster_home")}
    result = subprocess.run(
        [str(Path(sys.executable).parent / "dagster"), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    from dagster_project.definitions import defs

    assert {j.name for j in defs.jobs} >= {"refresh_all", "io_yearly"}
    (schedule,) = defs.schedules
    assert (schedule.name, schedule.cron_schedule, schedule.job_name) == ("monthly_refresh", MONTHLY_REFRESH_CRON, "refresh_all")
    assert sorted(s.name for s in defs.sensors) == ["follow_inputs", "landing_folder", "report_run_failures"]
    # The README says `make ui` runs the schedule, the sensor and the automation: on by default.
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    assert {s.default_status for s in defs.sensors} == {dg.DefaultSensorStatus.RUNNING}
    assert defs.resolve_job_def("io_yearly").partitions_def == io_years


def test_a_new_year_file_is_moved_into_raw_and_requests_that_partition_and_its_dependents(landing_setup):
    settings, defs, instance = landing_setup
    write_rdata(settings.landing_dir, sample_year(2002))
    result, _ = evaluate(defs, instance)
    assert isinstance(result, dg.SensorResult)
    (request,) = result.run_requests
    assert request.partition_key == "2002"
    requested = set(request.asset_selection)
    assert dg.AssetKey(["raw", "wiod_flows"]) in requested
    assert dg.AssetKey(["marts", "fct_manufacturing_servitization"]) in requested
    assert dg.AssetKey(["analytics", "regression_results"]) in requested
    # Only what the file feeds: no indicator source is re-ingested.
    assert dg.AssetKey(["raw", "itu_idi_2017"]) not in requested
    assert not any(key.path[0] == "raw" and key.path[1].startswith("wdi") for key in requested)
    # The new year becomes a partition, and the file has moved into the raw folder.
    assert result.dynamic_partitions_requests[0].partition_keys == ["2002"]
    assert (settings.raw_dir / "wiod2013" / "rdata" / "wiot_2002.RData").exists()
    assert not (settings.landing_dir / "wiod2013" / "rdata" / "wiot_2002.RData").exists()


def test_a_malformed_file_is_rejected_with_its_reason_and_never_reaches_raw(landing_setup):
    settings, defs, instance = landing_setup
    landed = write_rdata(settings.landing_dir, sample_year(2003))
    landed.write_bytes(landed.read_bytes()[:500])
    result, context = evaluate(defs, instance)
    assert isinstance(result, dg.SkipReason)
    assert f"rejected: {landed}: not a readable RData file" in result.skip_message
    assert not (settings.raw_dir / "wiod2013" / "rdata" / "wiot_2003.RData").exists()
    assert landed.exists()
    # The same bytes are not validated again on the next tick.
    again, _ = evaluate(defs, instance, cursor=context.cursor)
    assert again.skip_message == "no new or changed files"


def test_an_indicator_file_requests_its_own_asset_and_what_depends_on_it(landing_setup, tmp_path):
    from tests.helpers.warehouse import SHARED_DATA

    settings, defs, instance = landing_setup
    target = settings.landing_dir / "itu_idi" / "itu_idi_2017.csv"
    target.parent.mkdir(parents=True)
    shutil.copyfile(SHARED_DATA / "itu_idi" / "itu_idi_2017.csv", target)
    result, _ = evaluate(defs, instance)
    (request,) = result.run_requests
    requested = set(request.asset_selection)
    assert request.partition_key is None
    assert dg.AssetKey(["raw", "itu_idi_2017"]) in requested
    assert dg.AssetKey(["raw", "wiod_flows"]) not in requested
