"""The run-failure sensor: a failed run's job, steps and causes go to the daemon's log and to the alert webhook."""

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import dagster as dg
import pytest

from dagster_project.defs.automation.failures import ALERT_WEBHOOK, report_run_failures
from dagster_project.defs.automation.schedules import partition_range_tags


class Webhook(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self):  # noqa: N802 (the standard library's name)
        self.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook():
    Webhook.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Webhook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hooks/warehouse", Webhook.received
    server.shutdown()


@pytest.fixture
def failed_run(landing_setup):
    """A run of the yearly job over a year whose file was cut short: it fails in that year's staging step."""
    settings, defs, instance = landing_setup
    path = settings.raw_dir / "wiod2013" / "rdata" / "wiot_2001.RData"
    path.write_bytes(path.read_bytes()[:1000])
    result = defs.resolve_job_def("io_yearly").execute_in_process(
        instance=instance, tags=partition_range_tags(["2001"]), raise_on_error=False
    )
    assert not result.success
    return path, result, instance


def evaluate(result: dg.ExecuteInProcessResult, instance: dg.DagsterInstance, capfd) -> dict[str, str]:
    """One evaluation of the sensor on the failed run, as the daemon makes it: what it wrote to the
    terminal (as `make ui` shows it), by level."""
    failure = next(e for e in result.all_events if e.event_type == dg.DagsterEventType.RUN_FAILURE)
    capfd.readouterr()
    report_run_failures(dg.build_run_status_sensor_context(
        sensor_name=report_run_failures.name, dagster_instance=instance,
        dagster_run=result.dagster_run, dagster_event=failure,
    ).for_run_failure())
    written = capfd.readouterr().err
    levels = re.findall(r" - dagster - (\w+) - ", written)
    return dict(zip(levels, re.split(r"^.* - dagster - \w+ - ", written, flags=re.M)[1:]))


def test_a_failed_run_is_logged_with_its_step_and_cause_and_posted_to_the_webhook(
    failed_run, webhook, monkeypatch, capfd
):
    path, result, instance = failed_run
    url, received = webhook
    monkeypatch.setenv(ALERT_WEBHOOK, url)
    written = evaluate(result, instance, capfd)
    assert list(written) == ["ERROR"]
    logged = written["ERROR"]
    assert f"run {result.run_id} of job io_yearly failed:" in logged
    assert f"wiod_tables.stage_io_year[2001]: IoInputError: {path}: not a readable RData file" in logged
    (alert,) = received
    assert alert["text"] in logged


def test_without_a_webhook_only_the_log_line_and_an_undelivered_alert_is_a_warning(failed_run, monkeypatch, capfd):
    _, result, instance = failed_run
    monkeypatch.delenv(ALERT_WEBHOOK, raising=False)
    assert list(evaluate(result, instance, capfd)) == ["ERROR"]
    monkeypatch.setenv(ALERT_WEBHOOK, "http://127.0.0.1:9/closed")
    written = evaluate(result, instance, capfd)  # does not raise
    assert list(written) == ["ERROR", "WARNING"]
    assert written["WARNING"].startswith("the alert to http://127.0.0.1:9/closed was not delivered:")
