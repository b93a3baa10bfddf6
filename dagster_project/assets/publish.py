"""The analysts' published state, last in the lineage so that it waits for every check."""

from collections.abc import Sequence

import dagster as dg
import pandas as pd

from dagster_project.automation import FOLLOW_INPUTS
from dagster_project.publish import PUBLISHED_SCHEMAS, publish_current_state
from dagster_project.resources import WarehouseResource


def build_publish_asset(upstream: Sequence[dg.AssetKey]) -> dg.AssetsDefinition:
    @dg.asset(
        key=["published", "analytics_snapshot"],
        deps=upstream,
        group_name="publish",
        automation_condition=FOLLOW_INPUTS,
        owners=["team:warehouse"],
        kinds={"duckdb"},
        description=(
            f"The state of the {', '.join(PUBLISHED_SCHEMAS)} schemas that analysts read (`make sql`): the lake "
            "snapshot at the end of a run in which everything upstream, checks included, succeeded, recorded "
            "in meta.publications. Readers never see half a run and never block the pipeline; earlier "
            "publications stay readable with AT (VERSION => snapshot_id)."
        ),
    )
    def analytics_snapshot(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        with warehouse.get_connection() as con:
            snapshot, counts = publish_current_state(con, context.run_id)
        return dg.MaterializeResult(
            metadata={
                "snapshot_id": snapshot,
                "catalog": f"ducklake:{warehouse.catalog}",
                "tables": dg.MetadataValue.md(
                    pd.DataFrame(list(counts.items()), columns=["table", "rows"]).to_markdown(index=False)
                ),
                "dagster/row_count": sum(counts.values()),
            }
        )

    return analytics_snapshot
