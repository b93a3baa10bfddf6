"""The whole refresh: the job `make run`, the schedule and the landing sensor launch."""

from __future__ import annotations

import dagster as dg

refresh_all = dg.define_asset_job(
    "refresh_all",
    selection=dg.AssetSelection.all(),
    description="Every asset: all sources, dbt models and tests, regressions, report and the published "
    "snapshot, in dependency order; run with a partition range covering every year (the schedule "
    "and `make run` do).",
)
