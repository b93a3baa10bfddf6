"""A private Redis server for the scale-out tests (the Celery broker), from Debian's `redis-server`.

Like tests/helpers/postgres_server.py: started by the test itself on a free loopback port, in a
temporary folder, persisting nothing, as our child process that quits if the test process dies
(`make test` installs the package: the Makefile's `redis-server` target).
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
from pathlib import Path

import redis

from tests.helpers.postgres_server import HOST, PR_SET_PDEATHSIG, _free_port

REDIS_SERVER = Path("/usr/bin/redis-server")
PORT_ATTEMPTS = 5
START_TIMEOUT_SECONDS = 20


def _quit_with_parent() -> None:
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.exceptions.ConnectionError:
        return False


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """A running server's URL (`redis://127.0.0.1:<port>/0`); stopped and its folder removed on exit."""
    if not REDIS_SERVER.is_file():
        raise RuntimeError(f"{REDIS_SERVER} not found: install Debian's package (make redis-server)")
    directory = Path(tempfile.mkdtemp(prefix="redis-test-"))
    process = None
    try:
        for _ in range(PORT_ATTEMPTS):
            port = _free_port()
            command = [str(REDIS_SERVER), "--port", str(port), "--bind", HOST, "--dir", str(directory),
                       "--save", "", "--appendonly", "no", "--daemonize", "no"]
            process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=(directory / "redis.log").open("wb"),
                stderr=subprocess.STDOUT, preexec_fn=_quit_with_parent,
            )
            url = f"redis://{HOST}:{port}/0"
            deadline = time.monotonic() + START_TIMEOUT_SECONDS
            while process.poll() is None and not _answers(url) and time.monotonic() < deadline:
                time.sleep(0.05)
            if process.poll() is None and _answers(url):
                yield url
                return
            process.kill()
            process.wait()
        raise RuntimeError(f"redis-server did not start:\n{(directory / 'redis.log').read_text()[-2000:]}")
    finally:
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(directory, ignore_errors=True)
