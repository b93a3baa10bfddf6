"""A private Redis server for the scale-out tests (the Celery broker), from Debian's `redis-server`.

Like tests/helpers/postgres_server.py: started by the test itself on a free loopback port, in a
temporary folder, persisting nothing (the command line of dagster_project/services/redis.py),
as our child process that quits if the test process dies (`make test` installs the package:
the Makefile's `redis-server` target).
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

from dagster_project.services import redis as redis_service
from dagster_project.services.postgres import free_port
from tests.helpers.postgres_server import PR_SET_PDEATHSIG

PORT_ATTEMPTS = 5


def _quit_with_parent() -> None:
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """A running server's URL (`redis://127.0.0.1:<port>/0`); stopped and its folder removed on exit."""
    redis_service.require_redis_server()
    directory = Path(tempfile.mkdtemp(prefix="redis-test-"))
    process = None
    try:
        for _ in range(PORT_ATTEMPTS):
            port = free_port()
            process = subprocess.Popen(
                redis_service.server_command(port, directory), stdin=subprocess.DEVNULL,
                stdout=(directory / "redis.log").open("wb"), stderr=subprocess.STDOUT, preexec_fn=_quit_with_parent,
            )
            url = redis_service.url(port)
            deadline = time.monotonic() + redis_service.START_TIMEOUT_SECONDS
            while process.poll() is None and not redis_service.answers(url) and time.monotonic() < deadline:
                time.sleep(0.05)
            if process.poll() is None and redis_service.answers(url):
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
