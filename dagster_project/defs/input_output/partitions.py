"""Year partitions of the input-output assets, registered from the table years on disk.

Dynamic, so that a year that arrives later (the landing sensor, `make data`) becomes a
partition without redeploying the code location; `register_years` adds every year that
any release has in the raw folder.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import dagster as dg

from dagster_project.releases import registry

io_years = dg.DynamicPartitionsDefinition(name="io_years")


def register_years(instance: dg.DagsterInstance, raw_dir: Path) -> list[str]:
    """Add the raw folder's table years as partitions; returns every registered year (registration order)."""
    present = [str(y) for y in registry.available_years(raw_dir)]
    new = [y for y in present if not instance.has_dynamic_partition(io_years.name, y)]
    if new:
        instance.add_dynamic_partitions(io_years.name, new)
    return io_years.get_partition_keys(dynamic_partitions_store=instance)


def years_of_run(tags: Mapping[str, str], instance: dg.DagsterInstance) -> list[int] | None:
    """The input-output years a run re-reads, when it covers only some of them; None when it covers all.

    A run of one year (the landing sensor: `dagster/partition`) or of a range (a backfill:
    the range tags) names its years; downstream dbt models then rebuild only those years
    (dbt/macros/in_run_years.sql). A run over every registered year, or one without year
    tags (e.g. a dbt model materialized on its own), rebuilds every year.
    """
    registered = io_years.get_partition_keys(dynamic_partitions_store=instance)
    if "dagster/partition" in tags:
        keys = [tags["dagster/partition"]]
    elif "dagster/asset_partition_range_start" in tags:
        start, end = tags["dagster/asset_partition_range_start"], tags["dagster/asset_partition_range_end"]
        if start not in registered or end not in registered:
            return None
        keys = registered[registered.index(start) : registered.index(end) + 1]
    else:
        return None
    return None if set(keys) >= set(registered) else sorted(int(key) for key in keys)
