"""The run-failure sensor: one clear message per failed run, in the daemon's log and to an alert hook.

A failed run shows in the UI, but nobody watching it learns of a scheduled or sensor-started
run that failed overnight. The sensor writes, for every failed run of this code location,
which job and run failed, each failed step and its cause (the same lines `make run` prints:
cli/run_report.py), to the daemon's log (`make ui`'s terminal) and, when ALERT_WEBHOOK_URL
is set (read at each evaluation), POSTs them to that address (connectors/alerts.py: a Slack-
or Mattermost-style incoming webhook, or any small service) - the hook point for alerts.
"""

import os

import dagster as dg

from dagster_project.cli.run_report import failure_lines
from dagster_project.connectors.alerts import post_alert

ALERT_WEBHOOK = "ALERT_WEBHOOK_URL"


def failure_message(run: dg.DagsterRun, events: list[dg.DagsterEvent]) -> str:
    """`run <id> of job <job> failed:` and then each failed step with its cause."""
    return "\n".join([f"run {run.run_id} of job {run.job_name} failed:", *failure_lines(events)])


@dg.run_failure_sensor(
    name="report_run_failures",
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
    description="Writes each failed run, its failed steps and their causes to the daemon's log, and to "
    f"the webhook in {ALERT_WEBHOOK} when it is set.",
)
def report_run_failures(context: dg.RunFailureSensorContext) -> None:
    message = failure_message(context.dagster_run, [*context.get_step_failure_events(), context.failure_event])
    context.log.error(message)
    url = os.environ.get(ALERT_WEBHOOK)
    if url and (undelivered := post_alert(url, message)):
        context.log.warning(undelivered)
