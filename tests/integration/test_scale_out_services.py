"""`python -m dagster_project.cli.scale_out start|stop`: the scale-out profile's servers on one machine.

The README's one-machine commands start them with `eval "$(... start)"`; the Celery profile
test runs those commands. Here: what `start` prints and keeps, that the role must give its
password, that a second `start` of a running folder changes nothing, and that `stop` and
`start` again bring back the same servers with the lake's catalog as it was.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest

from dagster_project.cli.scale_out import read_settings
from dagster_project.services import redis as redis_service
from dagster_project.settings import PROJECT_ROOT
from tests.helpers.warehouse import bare_shell

SETTINGS = (
    "SCALE_OUT_DIR", "WAREHOUSE_CATALOG", "PGPASSWORD", "WAREHOUSE_DATA_PATH", "STEP_OUTPUTS_DIR", "DAGSTER_HOME",
    "DAGSTER_PG_HOST", "DAGSTER_PG_PORT", "DAGSTER_PG_USER", "DAGSTER_PG_DB", "WAREHOUSE_EXECUTOR", "CELERY_BROKER_URL",
)


@pytest.fixture
def folder() -> Iterator[Path]:
    """A folder the `postgres` system user can reach (pytest's own are mode 700); servers stopped after."""
    root = Path(tempfile.mkdtemp(prefix="scale-out-"))
    root.chmod(0o755)
    yield root / "servers"
    scale_out(root / "servers", "stop")
    shutil.rmtree(root, ignore_errors=True)


def scale_out(folder: Path, command: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dagster_project.cli.scale_out", command], cwd=PROJECT_ROOT,
        env=bare_shell(SCALE_OUT_DIR=str(folder)), capture_output=True, text=True, timeout=120,
    )


def exported(stdout: str) -> dict[str, str]:
    """What `eval` would set: the output is `export NAME=value` lines only."""
    lines = stdout.splitlines()
    assert all(line.startswith("export ") for line in lines), stdout
    done = subprocess.run(["bash", "-c", f"{stdout}\nenv -0"], env={}, capture_output=True, text=True, check=True)
    return {k: v for k, _, v in (item.partition("=") for item in done.stdout.split("\0") if item) if k in SETTINGS}


def test_start_prints_the_settings_and_the_servers_answer_then_stop_and_start_bring_them_back(folder):
    started = scale_out(folder, "start")
    assert started.returncode == 0, started.stderr
    settings = exported(started.stdout)
    assert set(settings) == set(SETTINGS)
    assert settings["SCALE_OUT_DIR"] == str(folder) and settings["WAREHOUSE_EXECUTOR"] == "celery"
    assert read_settings(folder / "settings.env") == settings
    assert (folder / "settings.env").stat().st_mode & 0o077 == 0  # it holds the password
    assert (Path(settings["DAGSTER_HOME"]) / "dagster.yaml").read_text() == (
        PROJECT_ROOT / "deploy" / "server" / "dagster.yaml"
    ).read_text()
    catalog = settings["WAREHOUSE_CATALOG"].removeprefix("postgres:")
    with pytest.raises(psycopg2.OperationalError, match="password"):
        psycopg2.connect(f"{catalog} password=wrong")
    with psycopg2.connect(f"{catalog} password={settings['PGPASSWORD']}") as con, con.cursor() as cur:
        cur.execute("create table kept (x int); insert into kept values (42)")
    assert redis_service.answers(settings["CELERY_BROKER_URL"])

    again = scale_out(folder, "start")  # running: the same settings, nothing restarted
    assert again.returncode == 0 and exported(again.stdout) == settings

    stopped = scale_out(folder, "stop")
    assert stopped.returncode == 0 and "stopped: PostgreSQL, Redis" in stopped.stderr
    with pytest.raises(psycopg2.OperationalError):
        psycopg2.connect(f"{catalog} password={settings['PGPASSWORD']}", connect_timeout=2)
    assert not redis_service.answers(settings["CELERY_BROKER_URL"])

    restarted = scale_out(folder, "start")
    assert restarted.returncode == 0, restarted.stderr
    assert exported(restarted.stdout) == settings
    with psycopg2.connect(f"{catalog} password={settings['PGPASSWORD']}") as con, con.cursor() as cur:
        cur.execute("select x from kept")
        assert cur.fetchall() == [(42,)]


def test_help_starts_nothing_and_an_unknown_command_is_an_error(folder):
    assert "SCALE_OUT_DIR" in scale_out(folder, "--help").stdout
    wrong = scale_out(folder, "begin")
    assert wrong.returncode == 2 and "invalid choice: 'begin'" in wrong.stderr
    assert not folder.exists()
