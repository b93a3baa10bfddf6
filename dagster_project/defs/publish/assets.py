"""The analysts' published state, last in the lineage so that it waits for every check."""

import dagster as dg
import pandas as pd

from dagster_project.defs.analysis import assets as analysis_assets
from dagster_project.defs.automation.propagation import FOLLOW_INPUTS
from dagster_project.defs.dbt import assets as dbt_assets
from dagster_project.defs.resources import WarehouseResource
from dagster_project.storage.publish import PUBLISHED_SCHEMAS, publish_current_state

# The snapshot is published last: after the tables it copies (dbt's and the analysis assets')
# and the report built beside them.
PUBLISHED_UPSTREAM = [
    key
    for assets_def in dg.load_assets_from_modules([dbt_assets, analysis_assets])
    for key in assets_def.keys
    if key.path[0] in (*PUBLISHED_SCHEMAS, "reports")
]


@dg.asset(
    key=["published", "analytics_snapshot"],
    deps=PUBLISHED_UPSTREAM,
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
