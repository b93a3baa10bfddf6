"""The scale-out profile: each step of a run sent to Celery workers on any machine (dagster-celery).

`WAREHOUSE_EXECUTOR=celery` makes the code location's executor `celery_executor(settings)`:
the process that runs a job (`make materialize PARALLEL=1`, a run worker of the code server)
puts each step on the broker's `dagster` queue, and whichever worker is free takes it. A
worker is `make worker`: `celery -A dagster_project.instance.celery_workers worker`, started
on any machine that reaches the broker, the lake's catalog and data path, the raw files and
Dagster's instance (PostgreSQL: deploy/server/dagster.yaml). It reads the same settings
(`Settings.from_env`) as the process that submits the steps, so both use the same broker.

What happens when a worker dies in the middle of a step (the run fails; it never hangs):

- Tasks are acknowledged when a worker starts them (Celery's default, not `acks_late`) and a
  worker reserves no task beyond the ones it runs (`worker_disable_prefetch`), so a dead
  worker's step is never handed to another worker later, perhaps after the run has ended.
  The step wrote its year in one transaction or not at all, and the run publishes nothing.
- The worker records the pid and name of the process running the step with the task's
  state (`task_track_started`). If that process alone is killed, the worker's parent process
  reports it (Celery's WorkerLostError) and dagster-celery fails the run. If the whole worker
  is gone (a SIGKILL, a machine lost), nobody would ever report the task: the executor here
  pings the worker that runs each step, and one that has not answered for
  `WORKER_SILENCE_SECONDS` (CELERY_WORKER_SILENCE_SECONDS) fails the step's wait with an error naming the worker, so the
  run fails instead of waiting forever. A step not yet taken by any worker fails the same way
  once no worker at all has answered for that long. Once a worker is lost, the steps still
  queued are withdrawn (revoked), and the steps other workers are running finish.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

import dagster as dg
from celery.exceptions import TaskRevokedError
from dagster._core.errors import DagsterSubprocessError
from dagster._core.execution.retries import RetryMode
from dagster_celery.core_execution_loop import core_celery_execution_loop
from dagster_celery.executor import CeleryExecutor, _submit_task
from dagster_celery.make_app import make_app
from dagster_celery.tasks import create_task

from dagster_project.settings import Settings

# A worker whose process running a step has not answered a ping for this long is taken as dead
# (a live worker's parent process answers within a second even while its child works).
WORKER_SILENCE_SECONDS = float(os.environ.get("CELERY_WORKER_SILENCE_SECONDS") or 60)
PING_EVERY_SECONDS = 5.0
PING_TIMEOUT_SECONDS = 1.0

# Celery settings every side must share: the executor's app and the workers' app are built from them.
CELERY_SETTINGS = {
    "task_track_started": True,  # the STARTED state carries the worker's name and pid
    "task_acks_late": False,  # a task that a dead worker started is not redelivered to another
    "worker_disable_prefetch": True,  # a worker takes a task only when it has a free process
    "worker_prefetch_multiplier": 1,
    "result_expires": 7 * 24 * 3600,
    "broker_connection_retry_on_startup": True,
}


class WorkerLost(RuntimeError):
    """The worker running a step (or every worker, for a step not yet taken) stopped answering."""


def celery_config(settings: Settings) -> dict:
    """dagster-celery's executor config on `settings`' broker (also what the workers are built from)."""
    return {"broker": settings.celery_broker, "backend": settings.celery_backend, "config_source": CELERY_SETTINGS}


@dataclass
class Heartbeats:
    """When each worker last answered a ping: one ping of every worker per interval, for all the run's steps."""

    app: object  # celery.Celery
    since: float = field(default_factory=time.monotonic)  # a worker never heard from counts from here
    seen: dict[str, float] = field(default_factory=dict)
    last_ping: float = float("-inf")
    lost: str | None = None  # set once a worker is taken as dead: the run will fail

    def silence(self, worker: str | None) -> float:
        """Seconds since `worker` (None: any worker) last answered."""
        now = time.monotonic()
        if now - self.last_ping >= PING_EVERY_SECONDS:
            self.last_ping = now
            for reply in self.app.control.ping(timeout=PING_TIMEOUT_SECONDS) or []:
                self.seen.update(dict.fromkeys(reply, now))
        if worker is None:
            return now - max(self.seen.values(), default=self.since)
        return now - self.seen.get(worker, self.since)


@dataclass
class WatchedResult:
    """A step's Celery result that turns ready, with a `WorkerLost` error, once its worker is gone.

    dagster-celery's loop polls `ready()` every second and then calls `get()`; it would wait
    forever for a task whose worker died without reporting. This wrapper answers that loop.
    """

    result: object  # celery.result.AsyncResult
    heartbeats: Heartbeats
    step_key: str
    lost: str | None = None
    revoked: bool = False

    def ready(self) -> bool:
        if self.result.ready():
            if self.result.failed() and self.heartbeats.lost is None:  # the task itself died (WorkerLostError)
                self.heartbeats.lost = f"step {self.step_key}: its Celery task failed ({self.result.info!r})"
            return True
        state = self.result.state
        if self.heartbeats.lost is not None and state == "PENDING":
            # The run fails (a worker is lost): steps no worker took yet are withdrawn, not run.
            self.result.revoke()
            self.revoked = True
            return True
        info = self.result.info if state == "STARTED" else None
        worker = info.get("hostname") if isinstance(info, dict) else None
        silent = self.heartbeats.silence(worker)
        if silent >= WORKER_SILENCE_SECONDS:
            self.lost = (
                f"step {self.step_key}: its worker {worker} (pid {info.get('pid')}) has not answered for "
                f"{silent:.0f} s; it is taken as dead (killed, or its machine lost). What the step wrote it wrote "
                "in one transaction or not at all; the run publishes nothing; start a new run."
                if worker else
                f"step {self.step_key}: no Celery worker has answered for {silent:.0f} s and none took the step; "
                "start a worker (make worker) and a new run."
            )
            self.heartbeats.lost = self.lost
        return self.lost is not None

    def get(self):
        if self.result.ready():
            return self.result.get()
        if self.revoked:
            raise TaskRevokedError(f"step {self.step_key} withdrawn: {self.heartbeats.lost}")
        raise WorkerLost(self.lost)

    def revoke(self) -> None:
        self.result.revoke()


class WatchedCeleryExecutor(CeleryExecutor):
    """dagster-celery's executor, whose wait for a step ends when the step's worker is gone."""

    def execute(self, plan_context, execution_plan):
        heartbeats: list[Heartbeats] = []  # one for the run, on the app dagster-celery's loop makes

        def submit(app, plan_context, step, queue, priority, known_state) -> WatchedResult:
            if not heartbeats:
                heartbeats.append(Heartbeats(app))
            return WatchedResult(_submit_task(app, plan_context, step, queue, priority, known_state),
                                 heartbeats[0], step.key)

        try:
            yield from core_celery_execution_loop(plan_context, execution_plan, step_execution_fn=submit)
        except DagsterSubprocessError as exc:
            # dagster-celery's summary lists every step's traceback; say first which worker was lost.
            if heartbeats and heartbeats[0].lost is not None:
                raise WorkerLost(heartbeats[0].lost) from exc
            raise


def celery_executor(settings: Settings) -> dg.ExecutorDefinition:
    """The executor of the scale-out profile, on `settings`' broker and result backend.

    Step retries stay on (the dbt steps' retry policies): a failed step is submitted again.
    """
    config = celery_config(settings)

    @dg.executor(name="celery", requirements=dg.multiple_process_executor_requirements())
    def watched_celery(_init_context) -> WatchedCeleryExecutor:
        """Each step sent to a Celery worker through the broker (dagster_project/instance/celery_workers.py)."""
        return WatchedCeleryExecutor(retries=RetryMode.ENABLED, **config)

    return watched_celery


def worker_app(settings: Settings):
    """The workers' Celery app: the same broker, backend and settings as the executor's, and its task."""
    if not settings.celery_broker:
        raise SystemExit("a Celery worker needs CELERY_BROKER_URL, the broker the runs put their steps on")
    app = make_app(WatchedCeleryExecutor.for_cli(**celery_config(settings)).app_args())
    create_task(app)
    return app
