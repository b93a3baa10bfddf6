"""When derived assets follow their inputs without being asked (declarative automation).

Eagerly, as soon as an input is updated, but never on top of an input whose blocking check
failed: a table that failed its audit is not built on, and the last good results stay.
"""

import dagster as dg

FOLLOW_INPUTS = dg.AutomationCondition.eager() & dg.AutomationCondition.all_deps_blocking_checks_passed()
