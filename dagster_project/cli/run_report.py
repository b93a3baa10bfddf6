"""What `make run` shows of a run and what it keeps of it.

The console gets one line per finished step (the years staged so far, each dbt build), and
for a failed step the error raised by the step's own code: the one that names the file, row
or column, where Dagster's summary says only `Error occurred while executing op "..."`.
Every event of the run, stack traces included, goes to a log file beside the warehouse.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO

import dagster as dg

# A failure's message on the console: at most this many lines of at most this many characters.
MAX_LINES, MAX_WIDTH = 4, 300
POLL_SECONDS = 0.5
STEP_EVENTS = {
    dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE,
    dg.DagsterEventType.ENGINE_EVENT,
}
# dagster-celery's engine event "Executing steps ... in celery worker" names the worker in this entry.
CELERY_WORKER = "Celery worker"


class Progress:
    """Reports each step of the run launched with `tags` as it ends, from the instance's event log.

    Read from the event log in a thread, so that the run's steps report the same way whether
    they execute in this process, in the multiprocess executor's step processes or on Celery
    workers (then each line names the worker: `year 2009 staged (3/17) on w1@host (12.3s)`).
    """

    def __init__(self, instance: dg.DagsterInstance, tags: dict[str, str], years: int, report: Callable[[str], None]):
        self.instance, self.tags, self.years, self.report = instance, tags, years, report
        self.since = datetime.now(timezone.utc)
        self.run_id: str | None = None
        self.cursor: str | None = None
        self.started: dict[str, float] = {}
        self.workers: dict[str, str] = {}  # step key -> the Celery worker running it (celery executor)
        self.done: Counter = Counter()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._follow, name="run-progress", daemon=True)

    def __enter__(self) -> Progress:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()

    def _follow(self) -> None:
        while not self.stop.wait(POLL_SECONDS):
            self._poll()
        self._poll()  # the last steps, which ended before the run returned

    def _poll(self) -> None:
        if self.run_id is None:
            runs = self.instance.get_run_records(dg.RunsFilter(tags=self.tags, created_after=self.since), limit=1)
            if not runs:
                return
            self.run_id = runs[0].dagster_run.run_id
        while True:
            page = self.instance.get_records_for_run(self.run_id, cursor=self.cursor, of_type=STEP_EVENTS)
            self.cursor = page.cursor
            for record in page.records:
                self._step_event(record.event_log_entry)
            if not page.has_more:
                return

    def _step_event(self, entry: dg.EventLogEntry) -> None:
        if entry.dagster_event_type == dg.DagsterEventType.ENGINE_EVENT:
            worker = entry.dagster_event.engine_event_data.metadata.get(CELERY_WORKER)
            if worker is not None and entry.step_key:
                self.workers[entry.step_key] = worker.value
            return
        if entry.dagster_event_type == dg.DagsterEventType.STEP_START:
            self.started[entry.step_key] = entry.timestamp
            return
        seconds = entry.timestamp - self.started.get(entry.step_key, entry.timestamp)
        failed = entry.dagster_event_type == dg.DagsterEventType.STEP_FAILURE
        op, _, mapping_key = entry.step_key.partition("[")
        if mapping_key:  # a year of the input-output stage, the run's only fanned-out step
            self.done[op] += not failed
            year = mapping_key.rstrip("]")
            label = f"year {year} FAILED" if failed else f"year {year} staged ({self.done[op]}/{self.years})"
        else:
            label = step_label(entry.step_key) + (" FAILED" if failed else "")
        on = f" on {self.workers[entry.step_key]}" if entry.step_key in self.workers else ""
        self.report(f"  {label}{on} ({seconds:.1f}s)")


def step_label(step_key: str) -> str:
    """`input_output_dbt_models` reads as `dbt build input_output`; other steps by their key."""
    domain, dbt_step, _ = step_key.rpartition("_dbt_models")
    return f"dbt build {domain}" if dbt_step else step_key


def failure_lines(events: Iterable[dg.DagsterEvent]) -> list[str]:
    """Each failed step with its cause; the run's own error if it failed before any step did."""
    events = list(events)
    failed = [e for e in events if e.is_step_failure]
    lines = [_cause_lines(step_label(e.step_key), e.step_failure_data.error, e.step_failure_data.user_failure_data)
             for e in failed]
    if not failed:
        lines += [_cause_lines("run", e.event_specific_data.error, None)
                  for e in events if e.is_run_failure and e.event_specific_data.error]
    return [line for block in lines for line in block]


def _cause_lines(label: str, error, user_failure) -> list[str]:
    """The cause in at most MAX_LINES lines: its first line and its last ones (dbt lists its errors last)."""
    message = user_failure.description if user_failure and user_failure.description else cause(error)
    text = [line.strip() for line in message.splitlines() if line.strip()]
    text = [line[:MAX_WIDTH] + ("…" if len(line) > MAX_WIDTH else "") for line in text]
    if len(text) > MAX_LINES:
        tail = MAX_LINES - 2
        text = [text[0], f"… ({len(text) - 1 - tail} more lines in the log)", *text[-tail:]]
    return [f"  {label}: {text[0]}", *(f"      {line}" for line in text[1:])]


def cause(error) -> str:
    """The message of the error raised by the step's code (a SerializableErrorInfo chain).

    Dagster wraps that error in its own (`DagsterExecutionStepExecutionError: Error occurred
    while executing op ...`, and likewise for resources, inputs and outputs), with the step's
    error as the cause. The walk stops there and not at the innermost cause: the project's
    errors name the file, row and column and are raised `from` the library error beneath,
    which names none of them.
    """
    if error is None:
        return "no error recorded; see the log"
    while error.cause is not None and error.cls_name and error.cls_name.startswith("Dagster"):
        error = error.cause
    head, sep, rest = error.message.strip().partition(": ")
    # "dagster_project.releases.io_table.IoInputError: ..." -> "IoInputError: ..."
    return f"{error.cls_name}: {rest}" if sep and head.rsplit(".", 1)[-1] == error.cls_name else error.message.strip()


def written_files(events: Iterable[dg.DagsterEvent]) -> dict[str, str]:
    """The files the run's assets wrote (their `path` metadata), by asset key: the report, the snapshot."""
    return {
        e.asset_key.to_user_string(): str(e.materialization.metadata["path"].value)
        for e in events
        if e.is_step_materialization and "path" in e.materialization.metadata
    }


def write_run_log(instance: dg.DagsterInstance, run_id: str, folder: Path, console: str) -> Path:
    """`<folder>/<job>-<run id>.log`: every event of the run with its full error, then the console output.

    Falls back to the temporary folder when `folder` cannot be written (a read-only or full
    warehouse disk is one of the failures this log must explain); raises the last OSError.
    """
    entries = instance.all_logs(run_id)
    job = entries[0].job_name if entries and entries[0].job_name else "run"
    text = "".join(_log_entry(entry) for entry in entries)
    text += "\n==== console output of the run (dbt, libraries) ====\n" + console
    for target in (folder, Path(tempfile.gettempdir())):
        path = target / f"{job}-{run_id}.log"
        try:
            target.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return path
        except OSError as exc:
            error = exc
    raise error


def _log_entry(entry: dg.EventLogEntry) -> str:
    time = datetime.fromtimestamp(entry.timestamp).isoformat(sep=" ", timespec="milliseconds")
    kind = entry.dagster_event.event_type_value if entry.dagster_event else "LOG"
    line = f"{time} {logging.getLevelName(entry.level)} {entry.step_key or '-'} {kind}: {entry.message}\n"
    data = entry.dagster_event.event_specific_data if entry.dagster_event else None
    error = getattr(data, "error", None) or entry.error_info
    return line + ("".join(f"    {row}\n" for row in error.to_string().splitlines()) if error else "")


@contextmanager
def console_to_file(sink: BinaryIO) -> Iterator[Callable[[str], None]]:
    """Send this process's stdout and stderr, and so its children's, to `sink`; yield a writer to the console.

    dbt's output (written to sys.stdout by dagster-dbt, ~1000 lines a run), library warnings
    and the step processes of the multiprocess executor write there: file descriptors 1 and 2
    are pointed at the file, and so are sys.stdout and sys.stderr, which a caller (pytest) may
    have replaced. (The multiprocess executor's forkserver, started once per process, keeps
    the descriptors it started with: its steps in a later run of the same process write to the
    first file.)
    """
    sys.stdout.flush()
    sys.stderr.flush()
    saved = {fd: os.dup(fd) for fd in (1, 2)}
    console = os.fdopen(os.dup(saved[1]), "w", buffering=1)
    for fd in saved:
        os.dup2(sink.fileno(), fd)
    text = os.fdopen(os.dup(1), "w", buffering=1)
    try:
        with redirect_stdout(text), redirect_stderr(text):
            yield lambda line: print(line, file=console, flush=True)
    finally:
        text.close()
        for fd, original in saved.items():
            os.dup2(original, fd)
            os.close(original)
        console.close()


def captured(sink: BinaryIO) -> str:
    """What has been written to `console_to_file`'s sink so far (read without moving its offset)."""
    sys.stdout.flush()
    sys.stderr.flush()
    return os.pread(sink.fileno(), os.fstat(sink.fileno()).st_size, 0).decode(errors="replace")
