"""Where the pipeline reads and writes, resolved once from the environment.

Every entry point (Dagster, dbt, `make` targets, tests) goes through here so that
`DATA_MIRROR`, `RAW_DATA_DIR` and `WAREHOUSE_DIR` mean the same thing everywhere.
dbt reads `WAREHOUSE_DIR` from the environment (see dbt/profiles.yml), so it is
exported as an absolute path before any dbt process starts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt"

# Telemetry off for every tool, whichever entry point imported us first.
for _var, _value in {
    "DAGSTER_DISABLE_TELEMETRY": "1",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "GX_ANALYTICS_ENABLED": "false",
}.items():
    os.environ.setdefault(_var, _value)


@dataclass(frozen=True)
class Settings:
    data_mirror: Path
    raw_dir: Path
    warehouse_dir: Path
    landing_dir: Path | None = None  # default: data/landing beside the raw folder

    def __post_init__(self) -> None:
        if self.landing_dir is None:
            object.__setattr__(self, "landing_dir", self.raw_dir.parent / "landing")

    @property
    def warehouse_path(self) -> Path:
        return self.warehouse_dir / "warehouse.duckdb"

    @classmethod
    def from_env(cls) -> "Settings":
        def path(var: str, default: Path) -> Path:
            return Path(os.environ.get(var) or default).expanduser().resolve()

        settings = cls(
            data_mirror=path("DATA_MIRROR", PROJECT_ROOT.parent / "shared" / "data"),
            raw_dir=path("RAW_DATA_DIR", PROJECT_ROOT / "data" / "raw"),
            warehouse_dir=path("WAREHOUSE_DIR", PROJECT_ROOT / "warehouse"),
            landing_dir=Path(os.environ["LANDING_DIR"]).expanduser().resolve() if os.environ.get("LANDING_DIR") else None,
        )
        settings.export()
        return settings

    def export(self) -> None:
        """Make these paths visible to child processes (dbt) as absolute paths."""
        os.environ["DATA_MIRROR"] = str(self.data_mirror)
        os.environ["RAW_DATA_DIR"] = str(self.raw_dir)
        os.environ["WAREHOUSE_DIR"] = str(self.warehouse_dir)
