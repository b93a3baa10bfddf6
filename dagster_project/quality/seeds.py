"""The dbt seeds read straight from their CSV files, so raw data can be checked before dbt has run.

The seeds are the dimensions' source of truth (country, industry and indicator codes ...);
the audits of staged raw tables check codes against them without a warehouse or Great
Expectations import.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from dagster_project.settings import DBT_PROJECT_DIR

SEEDS_DIR = DBT_PROJECT_DIR / "seeds"


@lru_cache(maxsize=None)
def seed(name: str) -> pd.DataFrame:
    """A dbt seed as text columns, found anywhere under dbt/seeds/."""
    matches = sorted(SEEDS_DIR.rglob(f"{name}.csv"))
    if not matches:
        raise FileNotFoundError(f"no seed {name}.csv under {SEEDS_DIR}")
    return pd.read_csv(matches[0], dtype=str, keep_default_na=False)
