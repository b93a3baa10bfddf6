"""`make run`'s command line and what it says when something fails (issue 17).

Arguments are checked before anything starts; `--years` runs a backfill of the years asked
for; a failed step shows the error that names the file, row and column, with the full log on
disk; a warehouse file that is held by another process or unreadable stops the run at once
with what to do; and dbt does not outlive the process that started it.

Runs here fail early on small generated years, or reuse the session's sample run.
"""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import numpy as np
import pytest

from dagster_project.cli.run import argument_parser, materialize_all
from dagster_project.cli.run_report import console_to_file, failure_lines, written_files
from dagster_project.definitions import build_defs
from dagster_project.defs.dbt.assets import DBT_STEPS, dbt_selection
from dagster_project.defs.input_output.keys import FLOWS_KEY
from dagster_project.defs.resources import DBT_EXECUTABLE, build_resources
from dagster_project.releases import io_table
from dagster_project.settings import PROJECT_ROOT, Settings
from dagster_project.storage.lake import LakeUnavailable
from tests.helpers.pipeline_sample import run_env
from tests.helpers.wiod_sample import INDUSTRIES, sample_year, write_rdata

CLI = [sys.executable, "-m", "dagster_project.cli.run"]
SMALL = ("AUS", "KOR", "RoW")


def rdata_file(raw_dir: Path, year: int) -> Path:
    return raw_dir / "wiod2013" / "rdata" / f"wiot_{year}.RData"


def settings_with_years(tmp_path: Path, good=(), unreadable=(), bad_cell=()) -> Settings:
    """A raw folder with small generated WIOD 2013 years (fast to write and read): good ones,
    files that are not RData, and years with a missing value in intermediate cell (5, 7)."""
    raw = tmp_path / "raw"
    for year in good:
        write_rdata(raw, sample_year(year, countries=SMALL))
    for year in unreadable:
        rdata_file(raw, year).parent.mkdir(parents=True, exist_ok=True)
        rdata_file(raw, year).write_bytes(b"not an R file")
    for year in bad_cell:
        sample = sample_year(year, countries=SMALL)
        sample.inter = sample.inter.astype(float)
        sample.inter[5, 7] = np.nan
        with np.errstate(invalid="ignore"):  # the gross output of that row is NaN too
            write_rdata(raw, sample)
    return Settings(data_mirror=raw, raw_dir=raw, warehouse_dir=tmp_path / "warehouse")


def run_cli(settings: Settings, home: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CLI, *args], cwd=PROJECT_ROOT, env=run_env(settings, home), capture_output=True, text=True, timeout=timeout
    )


def runs_in(home: Path) -> list:
    return dg.DagsterInstance.from_config(str(home)).get_runs()


# 1. Arguments


@pytest.mark.parametrize(
    ("args", "code", "expected"),
    [
        (["--help"], 0, "usage: python -m dagster_project.cli.run [-h] [--parallel] [--years YEARS]"),
        (["--yeras", "2010"], 2, "python -m dagster_project.cli.run: error: unrecognized arguments: --yeras 2010"),
    ],
)
def test_help_and_unknown_arguments_start_no_run(tmp_path, args, code, expected):
    settings = settings_with_years(tmp_path, unreadable=[2010])
    home = tmp_path / "dagster_home"
    result = run_cli(settings, home, *args)
    assert result.returncode == code
    assert expected in (result.stdout if code == 0 else result.stderr).splitlines()
    assert runs_in(home) == []
    assert not settings.warehouse_dir.exists()


def test_years_are_lists_and_ranges_and_a_malformed_one_is_an_argument_error(capsys):
    parser = argument_parser()
    assert parser.parse_args(["--years", "2009,2005-2007"]).years == ["2005", "2006", "2007", "2009"]
    assert parser.parse_args(["--years", "2006"]).years == ["2006"]
    assert parser.parse_args([]).years is None
    for text, message in [("2007-2005", "'2007-2005' runs backwards"),
                          ("2005,20x6", "'20x6' is not a year or a range of years like 2005-2007")]:
        with pytest.raises(SystemExit) as exit_:
            parser.parse_args(["--years", text])
        assert exit_.value.code == 2
        assert capsys.readouterr().err.splitlines()[-1] == (
            f"python -m dagster_project.cli.run: error: argument --years: {message}"
        )


def test_a_year_not_on_disk_is_refused_with_the_years_available_and_nothing_runs(tmp_path):
    settings = settings_with_years(tmp_path, unreadable=[2009, 2011])
    instance = dg.DagsterInstance.ephemeral()
    with pytest.raises(SystemExit) as exit_:
        materialize_all(build_defs(settings), instance, report=lambda _: None, years=["2008", "2009"])
    assert str(exit_.value) == (
        f"--years: no input-output table for 2008 in {settings.raw_dir}; the years on disk are 2009, 2011"
    )
    assert instance.get_runs() == []


def test_years_with_a_gap_run_the_range_between_and_say_so(tmp_path):
    """A run covers a range of partitions: 2009,2011 stages 2010 too (and not 2012), as one run of
    the input-output assets and what is downstream of them."""
    settings = settings_with_years(tmp_path, unreadable=[2009, 2010, 2011, 2012])
    lines = []
    defs, instance = build_defs(settings), dg.DagsterInstance.ephemeral()
    (result,) = materialize_all(defs, instance, lines.append, years=["2009", "2011"])
    assert lines[:2] == [
        "refresh_all: input-output years 2009, 2010, 2011 and what is downstream of the input-output tables ...",
        "  a run covers a range of year partitions, 2009 to 2011: 2010 (not asked for) also staged and loaded "
        "again, from the files on disk",
    ]
    staged = sorted(e.step_key for e in result.all_events if e.is_step_start and "stage_io_year" in e.step_key)
    assert staged == [f"wiod_tables.stage_io_year[{year}]" for year in (2009, 2010, 2011)]
    selection = result.dagster_run.asset_selection
    assert FLOWS_KEY in selection and dg.AssetKey(["published", "analytics_snapshot"]) in selection
    assert dg.AssetKey(["raw", "wdi_indicator_values"]) not in selection  # not downstream of the IO tables
    for year in (2009, 2010, 2011):
        path = rdata_file(settings.raw_dir, year)
        cause = f"  wiod_tables.stage_io_year[{year}]: IoInputError: {path}: not a readable RData file"
        assert any(line.startswith(cause) for line in lines), lines


# 2. What a failure shows, and the log


def test_a_failed_step_shows_the_cell_in_the_error_and_the_log_holds_every_event(tmp_path):
    """`--years 2010-2011` on the command line: 2011 stages, 2010 has a missing cell. The console
    shows a line per step, the error naming the file, row and column, and where the log is."""
    settings = settings_with_years(tmp_path, good=[2011], bad_cell=[2010])
    home = tmp_path / "dagster_home"
    result = run_cli(settings, home, "--years", "2010-2011")
    assert result.returncode == 1, result.stderr[-3000:]
    (run,) = runs_in(home)
    log = settings.warehouse_dir / "logs" / f"refresh_all-{run.run_id}.log"
    n = len(INDUSTRIES)
    cell = f"row 6 ({SMALL[5 // n]} {INDUSTRIES[5 % n]}), column 8 ({SMALL[7 // n]} {INDUSTRIES[7 % n]})"
    lines = [re.sub(r"\d+\.\ds", "_s", line) for line in result.stdout.splitlines()]
    assert lines == [
        "refresh_all: input-output years 2010, 2011 and what is downstream of the input-output tables ...",
        "  wiod_tables.io_years_of_run (_s)",
        "  year 2010 FAILED (_s)",
        "  year 2011 staged (1/2) (_s)",
        f"refresh_all: FAILED in _s (run {run.run_id}); the published state is still the last good run's",
        f"  wiod_tables.stage_io_year[2010]: IoInputError: {rdata_file(settings.raw_dir, 2010)}: "
        f"inter has a missing or non-numeric value at {cell}",
        f"  full log: {log}",
    ]
    text = log.read_text()
    assert 'STEP_FAILURE: Execution of step "wiod_tables.stage_io_year[2010]" failed.' in text
    assert 'Error occurred while executing op "wiod_tables.stage_io_year":' in text  # Dagster's wrapper
    assert f'File "{io_table.__file__}", line' in text  # the stack trace of the cause
    assert "STEP_SUCCESS: Finished execution of step \"wiod_tables.stage_io_year[2011]\"" in text
    assert "==== console output of the run (dbt, libraries) ====" in text


@dg.op
def innovation_and_analysis_dbt_models():
    raise dg.Failure(
        description="dbt build failed: The dbt CLI process with command\n\n`dbt build --select tag:innovation tag:analysis`\n\n"
        "failed with exit code `1`.\n\nErrors parsed from dbt logs:\n"
        "Failure in test unique_dim_country (models/marts/schema.yml)\n  Got 2 results, configured to fail if != 0"
    )


@dg.op
def reports__convergence_findings():
    """The report step on a full disk: its write fails as `Path.write_text` does."""
    raise OSError(28, "No space left on device", "/warehouse/reports/convergence_findings.html.partial")


@dg.job
def failing_steps():
    innovation_and_analysis_dbt_models()
    reports__convergence_findings()


class FullDisk(dg.ConfigurableResource):
    def setup_for_execution(self, context) -> None:
        raise OSError(28, "No space left on device", "/warehouse/staging")


@dg.op
def uses_full_disk(disk: FullDisk):
    pass


@dg.job(resource_defs={"disk": FullDisk()})
def failing_resource():
    uses_full_disk()


def test_failure_lines_give_a_failures_description_trimmed_the_steps_own_error_and_a_resource_error():
    """A dg.Failure shows its description, its first line and its last (dbt lists errors last);
    an exception shows the step's own error, not Dagster's wrapper (nor the library error beneath
    a project error: test_years_with_a_gap_run_the_range_between_and_say_so); an error before any
    step (a resource) is the run's."""
    result = failing_steps.execute_in_process(raise_on_error=False)
    assert failure_lines(result.all_events) == [
        "  dbt build innovation_and_analysis: dbt build failed: The dbt CLI process with command",
        "      … (3 more lines in the log)",
        "      Failure in test unique_dim_country (models/marts/schema.yml)",
        "      Got 2 results, configured to fail if != 0",
        "  reports__convergence_findings: OSError: [Errno 28] No space left on device: "
        "'/warehouse/reports/convergence_findings.html.partial'",
    ]
    result = failing_resource.execute_in_process(raise_on_error=False)
    assert failure_lines(result.all_events) == [
        "  run: OSError: [Errno 28] No space left on device: '/warehouse/staging'"
    ]


def test_the_console_gets_only_the_progress_lines_and_the_rest_goes_to_the_file(tmp_path, capfd):
    """What dagster-dbt (sys.stdout), libraries (sys.stderr, or the file descriptors) and step
    processes write goes to the file, even under pytest's capture, which replaces sys.stdout."""
    captured = tmp_path / "console"
    with captured.open("w+b") as sink, console_to_file(sink) as say:
        print("dbt output")
        print("a library warning", file=sys.stderr)
        os.write(1, b"written to fd 1\n")
        subprocess.run(["sh", "-c", "echo step process stdout; echo step process stderr >&2"], check=True)
        say("  year 2010 staged (1/17) (1.9s)")
    print("after")
    out, err = capfd.readouterr()
    assert (out, err) == ("  year 2010 staged (1/17) (1.9s)\nafter\n", "")
    assert captured.read_text().splitlines() == [
        "dbt output", "a library warning", "written to fd 1", "step process stdout", "step process stderr"
    ]


def test_a_good_run_names_the_files_it_wrote_and_its_log_holds_dbts_output(sample_pipeline):
    """The session's good sample run: the files to name at its end, and a log with its events and
    dbt's own output (which no longer reaches the console), dbt started bound to its process."""
    from dbt.version import __version__ as dbt_version

    assert written_files(sample_pipeline.events()) == {
        "reports/convergence_findings": str(sample_pipeline.built_warehouse_dir / "reports" / "convergence_findings.html"),
    }
    log = (sample_pipeline.settings.warehouse_dir / "logs" / f"refresh_all-{sample_pipeline.run_id}.log").read_text()
    events, output = log.split("\n==== console output of the run (dbt, libraries) ====\n")
    for step in DBT_STEPS:
        command = f"{DBT_EXECUTABLE} build --exclude-resource-type unit_test --select {dbt_selection(step)}"
        assert f"Running dbt command: `{command}`" in events
    assert 'STEP_SUCCESS: Finished execution of step "published__analytics_snapshot"' in events
    assert output.count(f"Running with dbt={dbt_version}") == len(DBT_STEPS)


# 3. A warehouse left by the single-file version


def test_a_single_file_warehouse_of_the_previous_version_is_pointed_out_and_left_alone(tmp_path):
    settings = settings_with_years(tmp_path, unreadable=[2010])  # a run that fails fast
    legacy = settings.warehouse_dir / "warehouse.duckdb"
    legacy.parent.mkdir(parents=True)
    with duckdb.connect(str(legacy)) as con:
        con.execute("create schema marts; create table marts.t as select 1 as x")
    before = legacy.read_bytes()
    lines = []
    (result,) = materialize_all(build_defs(settings), dg.DagsterInstance.ephemeral(), report=lines.append)
    assert not result.success
    assert lines[0] == (
        f"note: {legacy} was built by the single-file version of this warehouse and is no longer read or written; "
        f"the warehouse is now the lake ducklake:{settings.catalog}. Remove the old file when you no longer need it: "
        f"rm {legacy}"
    )
    assert legacy.read_bytes() == before


# 4. An unreadable lake catalog


def truncated(good: bytes) -> bytes:
    return good[: len(good) // 2]


def foreign(good: bytes) -> bytes:
    return b"country_code,year,value\nKOR,2018,4.5\n" * 100


@pytest.mark.parametrize(
    ("damage", "reason"),
    [(truncated, "database disk image is malformed"), (foreign, "file is not a database")],
)
def test_an_unreadable_catalog_names_the_file_and_the_command_that_rebuilds_it(tmp_path, damage, reason):
    settings = settings_with_years(tmp_path, unreadable=[2010])
    catalog = settings.lake.sqlite_file
    with settings.lake.connect() as con:
        con.execute("create table t as select range as i from range(100000)")
    catalog.write_bytes(damage(catalog.read_bytes()))
    before = catalog.read_bytes()
    with pytest.raises(LakeUnavailable) as error:
        with build_resources(settings)["warehouse"].get_connection():
            pass
    message = str(error.value)
    assert message.startswith(f"{catalog} is not a readable DuckLake catalog (")
    assert reason in message
    assert message.endswith(
        "). Everything in the lake can be rebuilt from the raw files: move it aside and rebuild with "
        f"`mv {catalog.parent} {catalog.parent}.unreadable && make run`"
    )
    instance = dg.DagsterInstance.ephemeral()
    with pytest.raises(SystemExit) as exit_:
        materialize_all(build_defs(settings), instance, report=lambda _: None)
    assert str(exit_.value) == message
    assert instance.get_runs() == []
    assert catalog.read_bytes() == before  # the user's file is left as it was


# 5. dbt dies with the process that started it

START_DBT = r"""
import sys, time
from pathlib import Path
from dagster_project.defs.resources import build_resources
from dagster_project.settings import Settings, environment

root = Path(sys.argv[1])
settings = Settings(data_mirror=root, raw_dir=root / "raw", warehouse_dir=root / "warehouse")
query = "select sum(range % 7) as s from range(1000000000000)"  # runs for many minutes
with environment(settings.lake.environment()):  # as the dbt step starts dbt
    invocation = build_resources(settings)["dbt"].cli(
        ["show", "--inline", query], raise_on_error=False, target_path=root / "target"
    )
print(invocation.process.pid, flush=True)
time.sleep(300)
"""


def process_state(pid: int) -> str:
    """R, S, ... or Z (ended, not yet reaped), or "gone"."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return "gone"


def running_query(log: Path) -> bool:
    """dbt has sent its query: its debug log (in the invocation's target folder) shows the SQL."""
    return log.exists() and "range(1000000000000)" in log.read_text(errors="replace")


def test_dbt_ends_with_the_python_process_that_started_it(tmp_path):
    """Kill only the Python process running a dbt command through the warehouse's dbt resource:
    dbt (mid-query, with the lake attached) ends with it, and the lake takes writes as before."""
    root = Path(os.path.realpath(tmp_path))
    settings = Settings(data_mirror=root, raw_dir=root / "raw", warehouse_dir=root / "warehouse")
    settings.lake.connect().close()  # an empty lake
    parent = subprocess.Popen(
        [sys.executable, "-c", START_DBT, str(tmp_path)], cwd=PROJECT_ROOT, stdout=subprocess.PIPE
    )
    dbt = int(parent.stdout.readline())
    try:
        started = time.monotonic()
        while not running_query(root / "target" / "dbt.log"):  # dbt has attached the lake and started its query
            assert process_state(dbt) not in ("gone", "Z") and time.monotonic() - started < 120, "dbt did not start"
            time.sleep(0.1)
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        ended = time.monotonic()
        while process_state(dbt) not in ("gone", "Z") and time.monotonic() - ended < 5:
            time.sleep(0.05)
        assert process_state(dbt) in ("gone", "Z"), "dbt outlived the process that started it"
        with settings.lake.connect() as con:
            con.execute("create table t as select 1 as x")
            assert con.execute("select x from t").fetchall() == [(1,)]
    finally:
        if process_state(dbt) not in ("gone", "Z"):
            os.kill(dbt, signal.SIGKILL)
        parent.kill()


def test_the_dbt_command_reports_the_installed_dbt_version_without_asking_pypi():
    """dagster-dbt runs `<dbt executable> --version` before the first dbt step of a process and
    reads the version from it: the project's command gives the installed dbt-core's at once."""
    from dbt.version import __version__ as dbt_version

    answer = subprocess.run([str(DBT_EXECUTABLE), "--version"], capture_output=True, text=True, check=True)
    assert answer.stdout.splitlines() == ["Core:", f"  - installed: {dbt_version}"]
