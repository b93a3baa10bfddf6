"""Reliability of whole runs: gating on failed checks, a killed run, analysts reading during a run.

Each test drives complete runs of the pipeline on a generated three-year table beside the
mirror's real indicator files (tests/pipeline_sample.py).
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
from conftest import table_checksums
from pipeline_sample import mart_checksums, start_run

from dagster_project.definitions import build_defs
from dagster_project.materialize import materialize_all

GATED = [
    dg.AssetKey(["analytics", "regression_results"]),
    dg.AssetKey(["reports", "convergence_findings"]),
    dg.AssetKey(["published", "analytics_snapshot"]),
]

READER = r"""
import json, sys, time, duckdb
path, stop, out = sys.argv[1:4]
reads, errors, inconsistent = 0, [], []
while True:
    try:
        with duckdb.connect(path, read_only=True) as con:
            published = dict(con.execute("select table_name, row_count from meta.snapshot_tables").fetchall())
            for table in ("marts.fct_manufacturing_servitization", "analytics.regression_results"):
                actual = con.execute(f"select count(*) from {table}").fetchone()[0]
                if actual != published[table] or actual == 0:
                    inconsistent.append((table, actual, published[table]))
        reads += 1
    except Exception as exc:
        errors.append(repr(exc))
    if __import__("os").path.exists(stop):
        break
    time.sleep(0.05)
json.dump({"reads": reads, "errors": errors, "inconsistent": inconsistent}, open(out, "w"))
"""


@pytest.fixture
def good_run(sample_pipeline):
    return sample_pipeline.settings.warehouse_dir.parent, sample_pipeline.settings


def test_a_bad_row_stops_the_regressions_report_and_snapshot_and_keeps_the_last_good_ones(good_run, tmp_path):
    root, settings = good_run
    snapshot = settings.warehouse_dir / "published.duckdb"
    report = settings.warehouse_dir / "reports" / "convergence_findings.html"
    before_snapshot, before_report = table_checksums(snapshot), report.read_bytes()
    path = settings.raw_dir / "wiod2013" / "rdata" / "wiot_2010.RData"
    good = path.read_bytes()
    objects = rdata.read_rda(path)
    objects["wiot_2010"]["output"][100] *= 1000  # one row in thousands where millions are expected
    rdata.write_rda(path, objects)
    try:
        results = materialize_all(build_defs(settings), dg.DagsterInstance.ephemeral(), report=lambda _: None)
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
    assert table_checksums(snapshot) == before_snapshot
    assert report.read_bytes() == before_report


def test_a_run_killed_mid_write_recovers_to_the_same_marts_while_analysts_keep_reading(good_run, tmp_path):
    """Kill a full run once it is writing, run again: the marts equal the clean run's, and a
    separate process querying the published snapshot throughout never fails or sees half a run."""
    _, settings = good_run
    expected = mart_checksums(settings.warehouse_path)
    stop, out = tmp_path / "stop", tmp_path / "reads.json"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(settings.warehouse_dir / "published.duckdb"), str(stop), str(out)]
    )
    home = tmp_path / "dagster_home"
    killed = start_run(settings, home, tmp_path / "killed.log")
    wal = settings.warehouse_path.with_name(settings.warehouse_path.name + ".wal")
    # Kill while DuckDB's write-ahead log shows a write under way, or 20 s into the run at the latest
    # (the ingest and the dbt builds take longer than that on this sample).
    started = time.monotonic()
    while not wal.exists() and time.monotonic() - started < 20:
        assert killed.poll() is None, (tmp_path / "killed.log").read_text()[-3000:]
        time.sleep(0.05)
    assert killed.poll() is None, "the run ended before it could be killed"
    os.killpg(killed.pid, signal.SIGKILL)  # the run and every step process it started
    killed.wait()
    rerun = start_run(settings, home, tmp_path / "rerun.log")
    assert rerun.wait(timeout=900) == 0, (tmp_path / "rerun.log").read_text()[-3000:]
    # The killed run held the warehouse pool's slot: the rerun found it dead and freed the slot.
    assert "is gone; marked failed and its pool slots freed" in (tmp_path / "rerun.log").read_text()
    stop.touch()
    reader.wait(timeout=60)
    reads = json.loads(out.read_text())
    assert reads["errors"] == []
    assert reads["inconsistent"] == []
    assert reads["reads"] > 10
    assert mart_checksums(settings.warehouse_path) == expected
