"""Year partitions of the input-output assets: one per table year present in the raw folder."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from dagster_project import wiod2013

# The WIOD 2013 release covers these years; used before `make data` has filled data/raw.
WIOD2013_RELEASE_YEARS = tuple(range(1995, 2012))


def year_partitions(raw_dir: Path) -> dg.StaticPartitionsDefinition:
    years = wiod2013.available_years(raw_dir) or list(WIOD2013_RELEASE_YEARS)
    return dg.StaticPartitionsDefinition([str(y) for y in years])
