"""Jobs: the yearly input-output stage and the dbt models built on it."""

from __future__ import annotations

import dagster as dg



def build_jobs(partitions_def: dg.PartitionsDefinition) -> list[dg.UnresolvedAssetJobDefinition]:
    yearly = dg.define_asset_job(
        "wiod_yearly",
        selection=dg.AssetSelection.assets(
            ["raw", "wiod_flows"], ["raw", "wiod_gross_output"], ["intermediate", "leontief_industry_multipliers"]
        ),
        partitions_def=partitions_def,
        description="Read one or more WIOD years and compute their Leontief multipliers.",
    )
    models = dg.define_asset_job(
        "warehouse_models",
        selection=dg.AssetSelection.groups("classifications", "staging", "intermediate", "marts")
        - dg.AssetSelection.assets(["intermediate", "leontief_industry_multipliers"]),
        description="dbt build of seeds, staging, intermediate models and marts, with their tests.",
    )
    return [yearly, models]
