"""Alerts out of the warehouse: one message POSTed as JSON to a webhook, never raising.

The run-failure sensor (defs/automation/failures.py) sends each failed run here when
ALERT_WEBHOOK_URL is set. The body is `{"text": message}`, which Slack's and Mattermost's
incoming webhooks post as is (and any small HTTP service can read). An alert that cannot be
delivered is reported back as a string, not raised: the failed run is already in the log
and the UI, and a sensor that raised would evaluate again and again.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

TIMEOUT_S = 10.0


def post_alert(url: str, message: str, timeout_s: float = TIMEOUT_S) -> str | None:
    """POST `{"text": message}` to `url`; None when delivered, else why not."""
    request = urllib.request.Request(
        url, data=json.dumps({"text": message}).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            response.read()
    except (urllib.error.URLError, OSError, ValueError) as exc:  # HTTPError is a URLError
        return f"the alert to {url} was not delivered: {exc}"
    return None
