"""`python -m dagster_project.cli.scale_out start|stop`: the scale-out profile's servers on one machine.

The scale-out profile (README: Running on several machines) needs a PostgreSQL server (the
lake's catalog and Dagster's instance) and a Redis broker. On one machine this starts both
from Debian's binaries, on free loopback ports, in one folder (`SCALE_OUT_DIR`, default
`scale_out/` of the current folder, git-ignored in the project), so that a newcomer needs no
server set up by hand:

* `start`: a PostgreSQL cluster with the role `warehouse` (its password generated, asked
  over TCP) owning the databases `lake` and `dagster`, and Redis saving nothing; prints the
  profile's settings as `export` lines for `eval` (messages go to stderr) and keeps them in
  `<folder>/settings.env`. Run again, it starts the stopped servers of that folder on their
  recorded ports with the same password, or only prints the settings if they are running.
* `stop`: stops both (PostgreSQL with a fast shutdown), keeping their data for the next start.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from dagster_project.services import postgres, redis
from dagster_project.settings import PROJECT_ROOT
from dagster_project.storage.files import atomic_write

ROLE, LAKE_DB, DAGSTER_DB = "warehouse", "lake", "dagster"
SERVER_INSTANCE = PROJECT_ROOT / "deploy" / "server" / "dagster.yaml"
STOP_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Folder:
    """Where the servers and the profile's shared folders live."""

    root: Path

    @classmethod
    def from_env(cls) -> Folder:
        return cls(Path(os.environ.get("SCALE_OUT_DIR") or "scale_out").resolve())

    @property
    def postgres(self) -> Path:
        return self.root / "postgres"

    @property
    def data(self) -> Path:
        return self.postgres / "data"

    @property
    def sockets(self) -> Path:
        return self.postgres / "socket"

    @property
    def redis_pid(self) -> Path:
        return self.root / "redis" / "redis.pid"

    @property
    def settings_file(self) -> Path:
        return self.root / "settings.env"


def profile_settings(folder: Folder, pg_port: int, redis_port: int, password: str) -> dict[str, str]:
    """The scale-out profile's settings (README), pointing at this folder's servers and folders."""
    root = folder.root
    return {
        "SCALE_OUT_DIR": str(root),
        "WAREHOUSE_CATALOG": f"postgres:{postgres.dsn(pg_port, LAKE_DB, ROLE)}",
        "PGPASSWORD": password,
        "WAREHOUSE_DATA_PATH": f"{root / 'lake'}/",
        "STEP_OUTPUTS_DIR": str(root / "step_outputs"),
        "DAGSTER_HOME": str(root / "dagster_home"),
        "DAGSTER_PG_HOST": postgres.HOST,
        "DAGSTER_PG_PORT": str(pg_port),
        "DAGSTER_PG_USER": ROLE,
        "DAGSTER_PG_DB": DAGSTER_DB,
        "WAREHOUSE_EXECUTOR": "celery",
        "CELERY_BROKER_URL": redis.url(redis_port),
    }


def export_lines(settings: dict[str, str]) -> str:
    return "".join(f"export {name}={shlex.quote(value)}\n" for name, value in settings.items())


def read_settings(path: Path) -> dict[str, str]:
    """The settings a previous `start` wrote (`export NAME=value` lines)."""
    settings = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        words = shlex.split(line)
        if len(words) == 2 and words[0] == "export" and "=" in words[1]:
            name, _, value = words[1].partition("=")
            settings[name] = value
    return settings


def _pg_ctl(owner, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(postgres.PG_BIN / "pg_ctl"), *args], capture_output=True, text=True,
                          **postgres.as_owner(owner))


def _postgres_running(folder: Folder, owner) -> bool:
    return folder.data.joinpath("PG_VERSION").exists() and _pg_ctl(owner, "status", "-D", str(folder.data)).returncode == 0


def start_postgres(folder: Folder, port: int, password: str) -> None:
    """The folder's cluster running on `port`; made first (role and databases) if there is none."""
    owner = postgres.server_owner()
    fresh = not folder.data.joinpath("PG_VERSION").exists()
    if fresh:
        postgres.give_to(owner, folder.postgres, folder.sockets)
        postgres.initdb(folder.data, owner)
    if not _postgres_running(folder, owner):
        options = postgres.server_command(folder.data, port, folder.sockets)[3:]  # after `postgres -D <data>`
        log = folder.postgres / "server.log"
        started = _pg_ctl(owner, "start", "-w", "-t", str(postgres.START_TIMEOUT_SECONDS), "-D", str(folder.data),
                          "-l", str(log), "-o", shlex.join(options))
        if started.returncode != 0:
            tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            raise postgres.PostgresStartError(
                f"PostgreSQL did not start on {postgres.HOST}:{port} (log {log}):\n{started.stderr}{tail}"
            )
    if fresh:
        postgres.create_role(port, folder.data, ROLE, password)
        for database in (LAKE_DB, DAGSTER_DB):
            postgres.create_database(port, database, owner=ROLE)


def start_redis(folder: Folder, port: int) -> None:
    redis.require_redis_server()
    server_url = redis.url(port)
    if redis.answers(server_url):
        return
    folder.redis_pid.parent.mkdir(parents=True, exist_ok=True)
    started = subprocess.run(redis.server_command(port, folder.redis_pid.parent, pidfile=folder.redis_pid),
                             capture_output=True, text=True)
    deadline = time.monotonic() + redis.START_TIMEOUT_SECONDS
    while started.returncode == 0 and not redis.answers(server_url) and time.monotonic() < deadline:
        time.sleep(0.05)
    if not redis.answers(server_url):
        log = folder.redis_pid.with_suffix(".log")
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise RuntimeError(f"redis-server did not start on {server_url} (log {log}):\n{started.stderr}{tail}")


def start(folder: Folder) -> dict[str, str]:
    """Both servers running (started or made as needed); returns the profile's settings, also written to the folder."""
    if folder.settings_file.exists():
        recorded = read_settings(folder.settings_file)
        pg_port, password = int(recorded["DAGSTER_PG_PORT"]), recorded["PGPASSWORD"]
        redis_port = int(recorded["CELERY_BROKER_URL"].rsplit(":", 1)[1].split("/")[0])
    else:
        pg_port, redis_port, password = postgres.free_port(), postgres.free_port(), secrets.token_urlsafe(18)
    settings = profile_settings(folder, pg_port, redis_port, password)
    folder.root.mkdir(parents=True, exist_ok=True)
    start_postgres(folder, pg_port, password)
    start_redis(folder, redis_port)
    home = Path(settings["DAGSTER_HOME"])
    home.mkdir(exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copy(SERVER_INSTANCE, home / "dagster.yaml")
    with atomic_write(folder.settings_file) as out:
        out.write(export_lines(settings).encode())
    return settings


def stop(folder: Folder) -> list[str]:
    """Stop the folder's servers that run; returns what was stopped."""
    stopped = []
    if folder.data.joinpath("PG_VERSION").exists():
        owner = postgres.server_owner()
        if _postgres_running(folder, owner):
            done = _pg_ctl(owner, "stop", "-D", str(folder.data), "-m", "fast", "-w", "-t", str(STOP_TIMEOUT_SECONDS))
            if done.returncode != 0:
                raise RuntimeError(f"PostgreSQL in {folder.data} did not stop:\n{done.stderr}")
            stopped.append("PostgreSQL")
    if folder.redis_pid.exists():
        pid = int(folder.redis_pid.read_text().strip() or 0)
        if pid and _alive(pid):
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            stopped.append("Redis")
    return stopped


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dagster_project.cli.scale_out",
        description="Start or stop the scale-out profile's PostgreSQL and Redis on this machine (loopback), "
                    "in SCALE_OUT_DIR (default ./scale_out). `start` prints the profile's settings for eval.",
    )
    parser.add_argument("command", choices=("start", "stop"))
    args = parser.parse_args(argv)
    folder = Folder.from_env()
    try:
        if args.command == "start":
            settings = start(folder)
            print(f"PostgreSQL on {postgres.HOST}:{settings['DAGSTER_PG_PORT']} (databases {LAKE_DB} and "
                  f"{DAGSTER_DB}, role {ROLE}) and Redis at {settings['CELERY_BROKER_URL']} are running; "
                  f"settings in {folder.settings_file}", file=sys.stderr)
            print(export_lines(settings), end="")
        else:
            stopped = stop(folder)
            print(f"stopped: {', '.join(stopped) or 'nothing was running'} ({folder.root})", file=sys.stderr)
    except (postgres.PostgresUnavailable, postgres.PostgresStartError, RuntimeError, OSError) as exc:
        print(f"scale_out {args.command}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
