"""The analysts' published snapshot, last in the lineage so that it waits for every check."""

from collections.abc import Sequence

import dagster as dg
import pandas as pd

from dagster_project.automation import FOLLOW_INPUTS
from dagster_project.publish import PUBLISHED_SCHEMAS, SNAPSHOT_NAME, publish_snapshot
from dagster_project.resources import WAREHOUSE_POOL, WarehouseResource


def build_publish_asset(upstream: Sequence[dg.AssetKey]) -> dg.AssetsDefinition:
    @dg.asset(
        key=["published", "analytics_snapshot"],
        deps=upstream,
        group_name="publish",
        automation_condition=FOLLOW_INPUTS,
        owners=["team:warehouse"],
        kinds={"duckdb"},
        pool=WAREHOUSE_POOL,
        description=(
            f"warehouse/{SNAPSHOT_NAME}: the copy of the {', '.join(PUBLISHED_SCHEMAS)} schemas that analysts "
            "open. Written under a temporary name and renamed into place only when everything upstream, "
            "checks included, succeeded in this run, so readers never block the pipeline or see half a run."
        ),
    )
    def analytics_snapshot(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        target = warehouse.path.parent / SNAPSHOT_NAME
        counts = publish_snapshot(warehouse.path, target, context.run_id)
        return dg.MaterializeResult(
            metadata={
                "path": dg.MetadataValue.path(str(target)),
                "tables": dg.MetadataValue.md(
                    pd.DataFrame(list(counts.items()), columns=["table", "rows"]).to_markdown(index=False)
                ),
                "dagster/row_count": sum(counts.values()),
            }
        )

    return analytics_snapshot
