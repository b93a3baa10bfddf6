"""A private PostgreSQL 15 server for the server-profile tests, started from Debian's binaries.

The server profile keeps DuckLake's catalog and Dagster's instance in PostgreSQL. Its tests
start their own server so that `.ci/run` needs nothing already running: a fresh cluster in a
temporary folder (dagster_project/services/postgres.py, which `scale_out start` uses too),
`postgres` listening on a free loopback port with its socket inside that folder, stopped and
the folder removed on exit, a failing test included.

Why a small fixture rather than pytest-postgresql: pytest-postgresql runs `initdb` and
`pg_ctl` as the current user, and CI runs as root, which initdb refuses; here root drops to the
`postgres` system user that Debian's package creates. Starting `postgres` itself as our child
process (not daemonized through `pg_ctl`) means we hold its pid, stop it with a signal and wait
for it, and it is told to shut down at once (SIGQUIT) if the process that started it dies
without stopping it, so a killed test run leaves no server behind either.
"""

from __future__ import annotations

import contextlib
import ctypes
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from dagster_project.services import postgres as pg
from dagster_project.services.postgres import HOST, SUPERUSER, PostgresStartError

# A port found free can be taken by someone else before postgres binds it: try another.
PORT_ATTEMPTS = 5
STOP_TIMEOUT_SECONDS = 20
# A test server keeps nothing worth a disk flush.
SERVER_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    user: str
    pid: int
    directory: Path  # the temporary folder: cluster, socket and log

    def dsn(self, dbname: str, user: str | None = None) -> str:
        """The libpq keyword string for one database (no password: libpq reads PGPASSWORD)."""
        return pg.dsn(self.port, dbname, user or self.user, self.host)

    def create_database(self, name: str, owner: str | None = None) -> str:
        """Create an empty database (owned by `owner`, who may then create tables in it); returns its dsn."""
        pg.create_database(self.port, name, owner)
        return self.dsn(name)

    def create_role(self, name: str, password: str) -> None:
        """A login role that must give its password over TCP, as on a server other machines reach."""
        pg.create_role(self.port, self.directory / "data", name, password)


@contextlib.contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """A running private server; stopped (its folder removed) when the block ends, however it ends."""
    owner = pg.server_owner()
    directory = Path(tempfile.mkdtemp(prefix="pg-test-"))
    process = None
    try:
        data, sockets = directory / "data", directory / "socket"
        pg.give_to(owner, directory, sockets)
        pg.initdb(data, owner)
        process, port = _start(data, sockets, directory / "server.log", owner)
        yield PostgresServer(host=HOST, port=port, user=SUPERUSER, pid=process.pid, directory=directory)
    finally:
        if process is not None:
            _stop(process)
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One private server for the test session."""
    with postgres_server() as server:
        yield server


def _start(data: Path, sockets: Path, log: Path, owner) -> tuple[subprocess.Popen, int]:
    """Start postgres on a free loopback port as our child; returns the running process and its port."""
    for _ in range(PORT_ATTEMPTS):
        port = pg.free_port()
        command = pg.server_command(data, port, sockets, SERVER_SETTINGS)
        with open(log, "wb") as log_file:  # this attempt's log only
            process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT,
                preexec_fn=_quit_with_parent, **pg.as_owner(owner),
            )
        if _wait_ready(process, pg.dsn(port, "postgres")):
            return process, port
        output = log.read_text(errors="replace")
        if "could not bind" not in output and "already in use" not in output:
            _stop(process)
            raise PostgresStartError(f"postgres did not start (log {log}):\n{output[-3000:]}")
    raise PostgresStartError(f"postgres found no free port in {PORT_ATTEMPTS} attempts (log {log})")


def _wait_ready(process: subprocess.Popen, dsn: str) -> bool:
    """True once the server accepts connections; False (and stopped) if it exited or never got ready."""
    deadline = time.monotonic() + pg.START_TIMEOUT_SECONDS
    while process.poll() is None:
        if pg.connects(dsn):
            return True
        if time.monotonic() > deadline:
            _stop(process)
            return False
        time.sleep(0.05)
    return False


def _stop(process: subprocess.Popen) -> None:
    """Fast shutdown (SIGINT: sessions ended, clean stop); immediate (SIGQUIT), then kill, if it hangs."""
    for stop_signal in (signal.SIGINT, signal.SIGQUIT, signal.SIGKILL):
        if process.poll() is not None:
            return
        process.send_signal(stop_signal)
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            continue


def _quit_with_parent() -> None:
    """In the child before exec: SIGQUIT (immediate shutdown) when the starting thread dies.

    Runs after the switch to the server's user (which would clear the setting).
    """
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGQUIT)
