"""A Redis server of one's own (the Celery broker of the scale-out profile), from Debian's `redis-server`.

On a free loopback port, in a folder of ours, persisting nothing: the broker holds only the
steps of runs in progress (a run in progress when it restarts fails), so it needs no disk.
"""

from __future__ import annotations

from pathlib import Path

import redis

from dagster_project.services.postgres import HOST

REDIS_SERVER = Path("/usr/bin/redis-server")
START_TIMEOUT_SECONDS = 20


def require_redis_server() -> None:
    if not REDIS_SERVER.is_file():
        raise RuntimeError(f"{REDIS_SERVER} not found: install Debian's package (make redis-server)")


def url(port: int) -> str:
    return f"redis://{HOST}:{port}/0"


def server_command(port: int, folder: Path, *, pidfile: Path | None = None) -> list[str]:
    """`redis-server` on the loopback port, working in `folder`, saving nothing; given a `pidfile`,
    in the background, writing its pid there and its log beside it."""
    command = [str(REDIS_SERVER), "--port", str(port), "--bind", HOST, "--dir", str(folder),
               "--save", "", "--appendonly", "no"]
    if pidfile is None:
        return [*command, "--daemonize", "no"]
    return [*command, "--daemonize", "yes", "--pidfile", str(pidfile), "--logfile", str(pidfile.with_suffix(".log"))]


def answers(server_url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(server_url, socket_connect_timeout=1).ping())
    except redis.exceptions.ConnectionError:
        return False
