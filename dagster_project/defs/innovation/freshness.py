"""How fresh the indicator tables refreshed from official sources must be.

The World Bank's WDI values and ITU's ICT Development Index are fetched by the connectors
(dagster_project/connectors/: `make data`) and re-read by the monthly schedule. Their ingest
assets carry a freshness policy: a table not materialized for longer than a month and a few
days - the schedule did not run, or its run failed - shows as stale in the UI (Dagster's
freshness daemon evaluates it while `make ui` runs; `freshness: enabled` in dagster.yaml),
warned a week before. The files copied from the mirror or placed by hand have no cadence and
no policy; the input-output years are partitions, refreshed when a new year lands.
"""

from datetime import timedelta
from pathlib import Path

import dagster as dg

from dagster_project.connectors import files, world_bank

REFRESHED_FROM_OFFICIAL_SOURCES = frozenset({world_bank.TARGET, files.ITU_IDI_TARGET})
MONTHLY = dg.FreshnessPolicy.time_window(fail_window=timedelta(days=35), warn_window=timedelta(days=28))


def freshness_policy(source_path: str) -> dg.FreshnessPolicy | None:
    """The policy of an ingest asset reading `source_path` (relative to the raw folder)."""
    return MONTHLY if Path(source_path) in REFRESHED_FROM_OFFICIAL_SOURCES else None
