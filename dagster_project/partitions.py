"""Year partitions of the input-output assets, registered from the table years on disk.

Dynamic, so that a year that arrives later (the landing sensor, `make data`) becomes a
partition without redeploying the code location; `register_years` adds every year that
any release has in the raw folder.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from dagster_project import releases

io_years = dg.DynamicPartitionsDefinition(name="io_years")


def register_years(instance: dg.DagsterInstance, raw_dir: Path) -> list[str]:
    """Add the raw folder's table years as partitions; returns every registered year (registration order)."""
    present = [str(y) for y in releases.available_years(raw_dir)]
    new = [y for y in present if not instance.has_dynamic_partition(io_years.name, y)]
    if new:
        instance.add_dynamic_partitions(io_years.name, new)
    return io_years.get_partition_keys(dynamic_partitions_store=instance)
