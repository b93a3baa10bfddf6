"""A private PostgreSQL 15 server for the server-profile tests, started from Debian's binaries.

The server profile keeps DuckLake's catalog and Dagster's instance in PostgreSQL. Its tests
start their own server so that `.ci/run` needs nothing already running: a fresh cluster in a
temporary folder (`initdb`, trust authentication), `postgres` listening on a free loopback
port with its socket inside that folder, stopped and the folder removed on exit, a failing
test included.

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
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest
from psycopg2 import sql

PG_BIN = Path("/usr/lib/postgresql/15/bin")
HOST = "127.0.0.1"
SUPERUSER = "postgres"
# initdb refuses to run as root; as root, the cluster belongs to Debian's postgres system user.
ROOT_RUNS_AS = "postgres"
# A port found free can be taken by someone else before postgres binds it: try another.
PORT_ATTEMPTS = 5
START_TIMEOUT_SECONDS = 30
STOP_TIMEOUT_SECONDS = 20
# A test server keeps nothing worth a disk flush.
SERVER_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
NAME = re.compile(r"[a-z_][a-z0-9_]*")
PR_SET_PDEATHSIG = 1


class PostgresUnavailable(RuntimeError):
    """This machine cannot run the test server (binaries or system user missing)."""


class PostgresStartError(RuntimeError):
    """The server did not start; the message carries the tail of its log."""


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    user: str
    pid: int
    directory: Path  # the temporary folder: cluster, socket and log

    def dsn(self, dbname: str, user: str | None = None) -> str:
        """The libpq keyword string for one database, the form DuckLake's `ducklake:postgres:` takes.

        No password: libpq reads it from PGPASSWORD or ~/.pgpass.
        """
        _check_name(dbname)
        return f"dbname={dbname} host={self.host} port={self.port} user={_check_name(user or self.user)}"

    def create_database(self, name: str, owner: str | None = None) -> str:
        """Create an empty database (owned by `owner`, who may then create tables in it); returns its dsn."""
        dsn = self.dsn(name)
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if owner is not None:
            statement += sql.SQL(" OWNER {}").format(sql.Identifier(owner))
        self._execute(statement)
        return dsn

    def create_role(self, name: str, password: str) -> None:
        """A login role that must give its password over TCP, as on a server other machines reach.

        The cluster trusts everyone else (initdb -A trust); this role's rule goes first in
        pg_hba.conf (scram-sha-256), and returns once the server applies it.
        """
        _check_name(name)
        self._execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(name), sql.Literal(password)))
        hba = self.directory / "data" / "pg_hba.conf"
        hba.write_text(f"host all {name} {self.host}/32 scram-sha-256\n" + hba.read_text())
        self._execute(sql.SQL("SELECT pg_reload_conf()"))
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        # Until it is applied, trust lets a wrong password in.
        while _connects(f"{self.dsn('postgres', user=name)} password=not-{password}"):
            if time.monotonic() > deadline:
                raise PostgresStartError(f"the server did not apply the password rule for {name} ({hba})")
            time.sleep(0.05)

    def _execute(self, statement: sql.Composable) -> None:
        with contextlib.closing(psycopg2.connect(self.dsn("postgres"))) as con:
            con.autocommit = True  # CREATE DATABASE cannot run in a transaction
            with con.cursor() as cur:
                cur.execute(statement)


@contextlib.contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """A running private server; stopped (its folder removed) when the block ends, however it ends."""
    owner = _server_owner()
    directory = Path(tempfile.mkdtemp(prefix="pg-test-"))
    process = None
    try:
        data, sockets = directory / "data", directory / "socket"
        sockets.mkdir()
        if owner is not None:
            for path in (directory, sockets):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        _initdb(data, owner)
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


def _check_name(name: str) -> str:
    """A database or role name as written in dsn strings and pg_hba.conf, unquoted."""
    if not NAME.fullmatch(name):
        raise ValueError(f"name {name!r}: expected lower-case letters, digits and _")
    return name


def _connects(dsn: str) -> bool:
    try:
        psycopg2.connect(dsn, connect_timeout=2).close()
        return True
    except psycopg2.OperationalError:
        return False


def _server_owner() -> pwd.struct_passwd | None:
    """The system user the server runs as: None for the current user, `postgres` when we are root."""
    missing = [name for name in ("initdb", "postgres") if not (PG_BIN / name).is_file()]
    if missing:
        raise PostgresUnavailable(
            f"PostgreSQL 15 server binaries not found ({', '.join(missing)} in {PG_BIN}): "
            "install Debian's package: apt-get install postgresql-15"
        )
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(ROOT_RUNS_AS)
    except KeyError:
        raise PostgresUnavailable(
            f"running as root, the test server must run as the `{ROOT_RUNS_AS}` system user (initdb refuses "
            "root), and there is none: install Debian's package postgresql-15, which creates it"
        ) from None


def _as_owner(owner: pwd.struct_passwd | None) -> dict:
    """subprocess arguments that run a child as the server's owner."""
    if owner is None:
        return {}
    return {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": []}


def _initdb(data: Path, owner: pwd.struct_passwd | None) -> None:
    command = [
        str(PG_BIN / "initdb"), "-D", str(data), "-U", SUPERUSER, "-A", "trust",
        "-E", "UTF8", "--no-locale", "--no-sync", "--no-instructions",
    ]
    done = subprocess.run(command, capture_output=True, text=True, **_as_owner(owner))
    if done.returncode != 0:
        hint = f" as user {owner.pw_name} (every folder above {data} must be reachable by it)" if owner else ""
        raise PostgresStartError(f"initdb failed{hint}:\n{done.stdout}{done.stderr}")


def _start(data: Path, sockets: Path, log: Path, owner: pwd.struct_passwd | None) -> tuple[subprocess.Popen, int]:
    """Start postgres on a free loopback port; returns the running process and its port."""
    for _ in range(PORT_ATTEMPTS):
        port = _free_port()
        command = [str(PG_BIN / "postgres"), "-D", str(data), "-p", str(port), "-k", str(sockets),
                   "-c", f"listen_addresses={HOST}"]
        for name, value in SERVER_SETTINGS.items():
            command += ["-c", f"{name}={value}"]
        with open(log, "wb") as log_file:  # this attempt's log only
            process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT,
                preexec_fn=_quit_with_parent, **_as_owner(owner),
            )
        if _wait_ready(process, f"dbname=postgres host={HOST} port={port} user={SUPERUSER}"):
            return process, port
        output = log.read_text(errors="replace")
        if "could not bind" not in output and "already in use" not in output:
            _stop(process)
            raise PostgresStartError(f"postgres did not start (log {log}):\n{output[-3000:]}")
    raise PostgresStartError(f"postgres found no free port in {PORT_ATTEMPTS} attempts (log {log})")


def _wait_ready(process: subprocess.Popen, dsn: str) -> bool:
    """True once the server accepts connections; False (and stopped) if it exited or never got ready."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while process.poll() is None:
        if _connects(dsn):
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


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _quit_with_parent() -> None:
    """In the child before exec: SIGQUIT (immediate shutdown) when the starting thread dies.

    Runs after the switch to the server's user (which would clear the setting).
    """
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGQUIT)
