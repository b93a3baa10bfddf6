"""The freshness policy of the indicator tables refreshed from official sources, as the daemon evaluates it.

One iteration of Dagster's freshness daemon over the code location (`make ui` runs it with
`freshness: enabled` in dagster.yaml), on an instance where the WDI table was just
materialized, then 30 and 40 days later (the clock of the evaluator moved): fresh, warned, failed.
"""

import asyncio
import time

import dagster as dg
import pytest
from dagster._core.definitions import freshness_evaluator
from dagster._core.definitions.freshness import FreshnessState
from dagster._core.workspace.context import WorkspaceProcessContext
from dagster._core.workspace.load_target import ModuleTarget
from dagster._daemon.freshness import FreshnessDaemon

from dagster_project.settings import PROJECT_ROOT

WDI = dg.AssetKey(["raw", "wdi_indicator_values"])
ITU = dg.AssetKey(["raw", "itu_idi_2017"])
MIRRORED = dg.AssetKey(["raw", "patstat_pct_by_tech_level"])  # copied from the mirror only: no policy
DAY = 24 * 3600


def freshness(context: WorkspaceProcessContext, days_later: float) -> dict[dg.AssetKey, FreshnessState]:
    """One iteration of the freshness daemon, `days_later` from now; each asset's recorded state."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(freshness_evaluator, "get_current_timestamp", lambda: time.time() + days_later * DAY)
        asyncio.run(FreshnessDaemon()._evaluate_assets(context))  # noqa: SLF001 (the daemon's one iteration)
    records = context.instance.get_freshness_state_records([WDI, ITU, MIRRORED])
    return {key: record.freshness_state for key, record in records.items()}


def test_the_wdi_table_is_fresh_then_warned_then_failed_and_a_mirrored_table_has_no_policy(tmp_path):
    target = ModuleTarget(
        module_name="dagster_project.definitions", attribute="defs",
        working_directory=str(PROJECT_ROOT), location_name="economic_warehouse",
    )
    with dg.DagsterInstance.local_temp(str(tmp_path)) as instance, WorkspaceProcessContext(instance, target) as context:
        instance.report_runless_asset_event(dg.AssetMaterialization(WDI))
        assert freshness(context, 0)[WDI] == FreshnessState.PASS
        assert freshness(context, 30)[WDI] == FreshnessState.WARN
        states = freshness(context, 40)
    assert states[WDI] == FreshnessState.FAIL
    assert states[ITU] == FreshnessState.UNKNOWN  # never materialized
    assert states[MIRRORED] == FreshnessState.NOT_APPLICABLE
