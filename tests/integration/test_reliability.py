"""Reliability of whole runs: gating on failed checks, a killed run, two runs at once, analysts reading.

Each test drives complete runs of the pipeline on a generated three-year table beside the
mirror's real indicator files (tests/helpers/pipeline_sample.py).
"""

import json
import os
import signal
import subprocess
import sys
import time

import dagster as dg
import pytest
import rdata

from dagster_project.cli.run import materialize_all
from dagster_project.definitions import build_defs
from dagster_project.storage.lake import current_snapshot
from tests.helpers.pipeline_sample import mart_checksums, start_run
from tests.helpers.warehouse import table_checksums, warehouse_connection

GATED = [
    dg.AssetKey(["analytics", "regression_results"]),
    dg.AssetKey(["reports", "convergence_findings"]),
    dg.AssetKey(["published", "analytics_snapshot"]),
]

# An analyst querying the published state every second (each read costs the reader about a tenth
# of a second of CPU, taken from the runs under test): each read looks up the last publication
# (a fresh transaction on one read-only attach sees every new one), reads that snapshot through
# a read-only attach pinned to it (one per snapshot, as an analyst's session would keep it), and
# checks every published count against the counts recorded when it was published.
READER = r"""
import json, os, sys, time
from dagster_project.storage.lake import Lake
catalog, data_path, stop, out = sys.argv[1:5]
lake = Lake(catalog, data_path)
latest, pinned = lake.connect(read_only=True), {}
reads, errors, inconsistent, snapshots = 0, [], [], set()
while True:
    try:
        with latest.cursor() as cur:
            cur.execute("use lake")
            snapshot = cur.execute("select max(snapshot_id) from meta.publications").fetchone()[0]
            published = dict(cur.execute(
                "select table_name, row_count from meta.published_tables where snapshot_id = ?", [snapshot]
            ).fetchall())
        if snapshot not in pinned:
            pinned[snapshot] = lake.connect(read_only=True, snapshot=snapshot)
        with pinned[snapshot].cursor() as con:
            con.execute("use lake")
            for table in ("marts.fct_manufacturing_servitization", "analytics.regression_results"):
                actual = con.execute(f"select count(*) from {table}").fetchone()[0]
                if actual != published[table] or actual == 0:
                    inconsistent.append((table, actual, published[table]))
        snapshots.add(snapshot)
        reads += 1
    except Exception as exc:
        errors.append(repr(exc))
    if os.path.exists(stop):
        break
    time.sleep(1)
json.dump({"reads": reads, "errors": errors, "inconsistent": inconsistent, "snapshots": sorted(snapshots)}, open(out, "w"))
"""




@pytest.fixture
def good_run(sample_pipeline):
    return sample_pipeline.settings.warehouse_dir.parent, sample_pipeline.settings


def test_a_bad_row_stops_the_regressions_report_and_snapshot_and_keeps_the_last_good_ones(good_run, tmp_path):
    root, settings = good_run
    report = settings.warehouse_dir / "reports" / "convergence_findings.html"
    published = settings.lake.published_snapshot()
    before_snapshot, before_report = table_checksums(settings, published=True), report.read_bytes()
    path = settings.raw_dir / "wiod2013" / "rdata" / "wiot_2010.RData"
    good = path.read_bytes()
    objects = rdata.read_rda(path)
    objects["wiot_2010"]["output"][100] *= 1000  # one row in thousands where millions are expected
    rdata.write_rda(path, objects)
    try:
        results = materialize_all(
            build_defs(settings), dg.DagsterInstance.ephemeral(), report=lambda _: None, years=["2010"]
        )
    finally:
        path.write_bytes(good)
    (result,) = results
    assert not result.success
    materialized = {e.asset_key for e in result.all_events if e.is_step_materialization}
    assert not materialized & set(GATED)
    failed_checks = [
        e.event_specific_data.check_name for e in result.all_events
        if isinstance(e.event_specific_data, dg.AssetCheckEvaluation) and not e.event_specific_data.passed
    ]
    assert "io_accounting_identities" in failed_checks
    assert settings.lake.published_snapshot() == published
    assert table_checksums(settings, published=True) == before_snapshot
    assert report.read_bytes() == before_report


def test_a_run_killed_mid_write_is_recovered_by_two_runs_at_once_while_analysts_keep_reading(good_run, tmp_path):
    """Kill a full run once it is writing, then start two backfills of different years together,
    sharing the lake and the Dagster instance, one with its steps in processes of their own (the
    multiprocess executor, as runs launched from the UI), the other in its own process (as `make
    backfill`): the first of them to look marks the killed run failed and frees its pool slots,
    both end and publish, the marts equal the clean sequential run's, and a separate process
    querying the published state every second throughout never fails or sees half a run."""
    _, settings = good_run
    expected = mart_checksums(settings)
    published = settings.lake.published_snapshot()
    stop, out = tmp_path / "stop", tmp_path / "reads.json"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, settings.catalog, settings.data_path, str(stop), str(out)]
    )
    home = tmp_path / "dagster_home"
    started_runs: list[subprocess.Popen] = []
    # The lake's snapshots are polled on one read-only connection (each query a fresh transaction sees
    # the latest), not with Python's sqlite3 on the catalog: closing that would drop this process's
    # SQLite locks on the catalog (tests/helpers/warehouse.py: BACKUP_CATALOG says why that matters).
    snapshots = settings.lake.connect(read_only=True)
    try:
        first = current_snapshot(snapshots)
        killed = start_run(settings, home, tmp_path / "killed.log")
        started_runs.append(killed)
        # Kill once the run has committed writes to the lake (its ingest is under way): its run record
        # exists by then, whatever the machine's load (a fixed delay once killed a run still starting).
        started = time.monotonic()
        while current_snapshot(snapshots) < first + 3:
            assert killed.poll() is None, (tmp_path / "killed.log").read_text()[-3000:]
            assert time.monotonic() - started < 600, "the run committed nothing in 600 s"
            time.sleep(0.05)
        os.killpg(killed.pid, signal.SIGKILL)  # the run and every step process it started
        killed.wait()
        flags = {2009: ["--parallel"], 2011: []}  # the multiprocess executor; this process
        logs = {year: tmp_path / f"run{year}.log" for year in flags}
        runs = {year: start_run(settings, home, logs[year], *flags[year], "--years", str(year)) for year in flags}
        started_runs += runs.values()
        for year, run in runs.items():
            assert run.wait(timeout=900) == 0, logs[year].read_text()[-3000:]
    finally:  # a failed assertion leaves no run, step or reader process behind
        snapshots.close()
        stop.touch()
        for run in started_runs:
            if run.poll() is None:
                os.killpg(run.pid, signal.SIGKILL)
                run.wait()
        try:
            reader.wait(timeout=60)
        except subprocess.TimeoutExpired:
            reader.kill()
            raise
    # One of them found the killed run's process gone, marked it failed and freed its pool slots.
    assert any("is gone; marked failed and its pool slots freed" in log.read_text() for log in logs.values())
    with warehouse_connection(settings) as con:
        publications = con.execute(
            "select count(*) from meta.publications where snapshot_id > ?", [published]
        ).fetchone()[0]
    assert publications == 2
    reads = json.loads(out.read_text())
    assert reads["errors"] == []
    assert reads["inconsistent"] == []
    assert reads["reads"] > 10
    # The reader saw the last good publication, then the backfills': never anything in between.
    assert reads["snapshots"][0] == published and reads["snapshots"][-1] == settings.lake.published_snapshot()
    assert mart_checksums(settings) == expected
    assert mart_checksums(settings, published=True) == expected
