"""A PostgreSQL 15 cluster of one's own, from Debian's binaries, on a loopback port.

The server profile keeps the lake's catalog and Dagster's instance in PostgreSQL. On one
machine (`make scale-out-start`, and the tests) nobody has to install or configure a server:
a fresh cluster in a folder of ours (`initdb`, trust for local connections), listening on a
free loopback port with its socket inside that folder, and a login role that must give its
password over TCP, as on a server other machines reach.

initdb refuses to run as root; as root, the cluster belongs to the `postgres` system user that
Debian's package creates, and every command on it runs as that user.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import socket
import subprocess
import time
from pathlib import Path

import psycopg2
from psycopg2 import sql

PG_BIN = Path("/usr/lib/postgresql/15/bin")
HOST = "127.0.0.1"
SUPERUSER = "postgres"
ROOT_RUNS_AS = "postgres"  # initdb refuses root
START_TIMEOUT_SECONDS = 30
NAME = re.compile(r"[a-z_][a-z0-9_]*")


class PostgresUnavailable(RuntimeError):
    """This machine cannot run the server (binaries or system user missing)."""


class PostgresStartError(RuntimeError):
    """The server did not start or set up; the message carries the tail of its log."""


def check_name(name: str) -> str:
    """A database or role name as written in dsn strings and pg_hba.conf, unquoted."""
    if not NAME.fullmatch(name):
        raise ValueError(f"name {name!r}: expected lower-case letters, digits and _")
    return name


def dsn(port: int, dbname: str, user: str = SUPERUSER, host: str = HOST) -> str:
    """The libpq keyword string for one database, the form DuckLake's `ducklake:postgres:` takes.

    No password: libpq reads it from PGPASSWORD or ~/.pgpass.
    """
    return f"dbname={check_name(dbname)} host={host} port={port} user={check_name(user)}"


def connects(dsn_string: str) -> bool:
    try:
        psycopg2.connect(dsn_string, connect_timeout=2).close()
        return True
    except psycopg2.OperationalError:
        return False


def free_port() -> int:
    """A loopback port nobody listens on now (someone may take it before we bind it: callers retry)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_owner() -> pwd.struct_passwd | None:
    """The system user the server runs as: None for the current user, `postgres` when we are root."""
    missing = [name for name in ("initdb", "postgres", "pg_ctl") if not (PG_BIN / name).is_file()]
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
            f"running as root, the server must run as the `{ROOT_RUNS_AS}` system user (initdb refuses "
            "root), and there is none: install Debian's package postgresql-15, which creates it"
        ) from None


def as_owner(owner: pwd.struct_passwd | None) -> dict:
    """subprocess arguments that run a child as the server's owner."""
    if owner is None:
        return {}
    return {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": []}


def give_to(owner: pwd.struct_passwd | None, *folders: Path) -> None:
    """Make `folders` (created if missing) the owner's, so that the server may write in them."""
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
        if owner is not None:
            os.chown(folder, owner.pw_uid, owner.pw_gid)


def initdb(data: Path, owner: pwd.struct_passwd | None) -> None:
    """A new cluster in `data` whose superuser `postgres` any local connection may be (trust)."""
    command = [
        str(PG_BIN / "initdb"), "-D", str(data), "-U", SUPERUSER, "-A", "trust",
        "-E", "UTF8", "--no-locale", "--no-sync", "--no-instructions",
    ]
    done = subprocess.run(command, capture_output=True, text=True, **as_owner(owner))
    if done.returncode != 0:
        hint = f" as user {owner.pw_name} (every folder above {data} must be reachable by it)" if owner else ""
        raise PostgresStartError(f"initdb failed{hint}:\n{done.stdout}{done.stderr}")


def server_command(data: Path, port: int, sockets: Path, settings: dict[str, str] | None = None) -> list[str]:
    """`postgres` on the loopback port, its socket in `sockets`, with extra `-c` settings."""
    command = [str(PG_BIN / "postgres"), "-D", str(data), "-p", str(port), "-k", str(sockets),
               "-c", f"listen_addresses={HOST}"]
    for name, value in (settings or {}).items():
        command += ["-c", f"{name}={value}"]
    return command


def execute(port: int, statement: sql.Composable) -> None:
    """One statement as the superuser, outside a transaction (CREATE DATABASE cannot run in one)."""
    with contextlib.closing(psycopg2.connect(dsn(port, "postgres"))) as con:
        con.autocommit = True
        with con.cursor() as cur:
            cur.execute(statement)


def create_role(port: int, data: Path, name: str, password: str) -> None:
    """A login role that must give its password over TCP; returns once the server applies the rule.

    The cluster trusts everyone else (initdb -A trust); this role's rule goes first in
    pg_hba.conf (scram-sha-256). Until the reload is applied, trust lets a wrong password in.
    """
    check_name(name)
    execute(port, sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(name), sql.Literal(password)))
    hba = data / "pg_hba.conf"
    hba.write_text(f"host all {name} {HOST}/32 scram-sha-256\n" + hba.read_text())
    execute(port, sql.SQL("SELECT pg_reload_conf()"))
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while connects(f"{dsn(port, 'postgres', user=name)} password=not-{password}"):
        if time.monotonic() > deadline:
            raise PostgresStartError(f"the server did not apply the password rule for {name} ({hba})")
        time.sleep(0.05)


def create_database(port: int, name: str, owner: str | None = None) -> None:
    """An empty database, owned by `owner` (who may then create tables in it)."""
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(check_name(name)))
    if owner is not None:
        statement += sql.SQL(" OWNER {}").format(sql.Identifier(check_name(owner)))
    execute(port, statement)
