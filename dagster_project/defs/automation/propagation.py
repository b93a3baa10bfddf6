"""When derived assets follow their inputs without being asked (declarative automation).

Eagerly, as soon as an input is updated, but never on top of an input whose blocking check
failed: a table that failed its audit is not built on, and the last good results stay.
The sensor that evaluates the conditions runs whenever the daemon does (`make ui`), like the
schedule and the landing sensor: the README promises all three, so none is off by default.
"""

import dagster as dg

FOLLOW_INPUTS = dg.AutomationCondition.eager() & dg.AutomationCondition.all_deps_blocking_checks_passed()

automation_sensor = dg.AutomationConditionSensorDefinition(
    "follow_inputs",
    target=dg.AssetSelection.all(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
    description="Materializes derived assets whose inputs were updated (and passed their blocking checks).",
)
