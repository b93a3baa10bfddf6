"""Where the pipeline reads and writes, resolved once from the environment.

Every entry point (Dagster, dbt, `make` targets, tests) goes through here so that
`DATA_MIRROR`, `RAW_DATA_DIR`, `WAREHOUSE_DIR` and the lake's `WAREHOUSE_CATALOG` and
`WAREHOUSE_DATA_PATH` mean the same thing everywhere. dbt reads the lake's settings from
the environment (see dbt/profiles.yml); whatever starts dbt sets them (Lake.environment).
Reading the settings changes nothing: only `make run` (cli/run.py) exports the folders, for
the processes it starts.

The warehouse is a DuckLake (dagster_project/storage/lake.py): by default an embedded SQLite catalog
and Parquet files under `WAREHOUSE_DIR/lake/`; a team points `WAREHOUSE_CATALOG` at
PostgreSQL (`postgres:dbname=... host=...`) and `WAREHOUSE_DATA_PATH` at a folder every
machine mounts.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from dagster_project.storage.lake import Lake

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt"

# Telemetry off for every tool, whichever entry point imported us first.
for _var, _value in {
    "DAGSTER_DISABLE_TELEMETRY": "1",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "GX_ANALYTICS_ENABLED": "false",
}.items():
    os.environ.setdefault(_var, _value)


@contextmanager
def environment(variables: Mapping[str, str]) -> Iterator[None]:
    """`variables` set in os.environ inside the block (for a child process started there), the previous values back after it."""
    previous = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@dataclass(frozen=True)
class Settings:
    data_mirror: Path
    raw_dir: Path
    warehouse_dir: Path
    landing_dir: Path | None = None  # default: data/landing beside the raw folder
    # The DuckLake metadata database, as DuckLake's ATTACH takes it after `ducklake:`
    # (default: an SQLite file under warehouse_dir/lake), and where its Parquet files go.
    catalog: str | None = None
    data_path: str | None = None

    def __post_init__(self) -> None:
        if self.landing_dir is None:
            object.__setattr__(self, "landing_dir", self.raw_dir.parent / "landing")
        if self.catalog is None:
            object.__setattr__(self, "catalog", f"sqlite:{self.warehouse_dir / 'lake' / 'catalog.sqlite'}")
        if self.data_path is None:
            object.__setattr__(self, "data_path", f"{self.warehouse_dir / 'lake' / 'data'}/")

    @property
    def lake(self) -> Lake:
        return Lake(catalog=self.catalog, data_path=self.data_path)

    @classmethod
    def from_env(cls) -> "Settings":
        def path(var: str, default: Path) -> Path:
            return Path(os.environ.get(var) or default).expanduser().resolve()

        return cls(
            data_mirror=path("DATA_MIRROR", PROJECT_ROOT.parent / "shared" / "data"),
            raw_dir=path("RAW_DATA_DIR", PROJECT_ROOT / "data" / "raw"),
            warehouse_dir=path("WAREHOUSE_DIR", PROJECT_ROOT / "warehouse"),
            landing_dir=Path(os.environ["LANDING_DIR"]).expanduser().resolve() if os.environ.get("LANDING_DIR") else None,
            catalog=os.environ.get("WAREHOUSE_CATALOG") or None,
            data_path=os.environ.get("WAREHOUSE_DATA_PATH") or None,
        )

    def export(self) -> None:
        """Make the folders visible to child processes as absolute paths (called by `make run`, not on import).

        The lake's settings are not exported: a process that points a child at another
        WAREHOUSE_DIR must not hand it this lake. dbt gets them from the step that starts it
        (defs/dbt/assets.py) or from `eval "$(python -m dagster_project.settings)"` (the Makefile).
        """
        os.environ["DATA_MIRROR"] = str(self.data_mirror)
        os.environ["RAW_DATA_DIR"] = str(self.raw_dir)
        os.environ["WAREHOUSE_DIR"] = str(self.warehouse_dir)


if __name__ == "__main__":
    # `eval "$(python -m dagster_project.settings)"`: the settings as shell exports, for the
    # Makefile's dbt commands (dbt's profile reads them from the environment).
    import shlex

    settings = Settings.from_env()
    folders = {"DATA_MIRROR": settings.data_mirror, "RAW_DATA_DIR": settings.raw_dir, "WAREHOUSE_DIR": settings.warehouse_dir}
    for name, value in {**{n: str(p) for n, p in folders.items()}, **settings.lake.environment()}.items():
        print(f"export {name}={shlex.quote(value)}")
