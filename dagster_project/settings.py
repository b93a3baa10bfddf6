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

Where a run's steps execute: by default in processes of the machine that runs it (the
multiprocess executor); `WAREHOUSE_EXECUTOR=celery` sends each step to Celery workers on any
machine that reaches the broker `CELERY_BROKER_URL` (dagster_project/instance/celery_workers.py),
and the values steps pass to each other go to `STEP_OUTPUTS_DIR`, a folder every machine mounts.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from dagster_project.storage.lake import Lake

PROJECT_ROOT = Path(__file__).resolve().parent.parent
EXECUTORS = ("multiprocess", "celery")
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
    # `multiprocess` (this machine's cores) or `celery` (workers on any machine, through the broker).
    executor: str = "multiprocess"
    celery_broker: str | None = None
    celery_backend: str | None = None  # where workers put step results; default: the broker (Redis)
    # The values a run's steps pass to each other (which year, what was staged): read by
    # whichever worker runs the next step, so shared by every machine on the celery executor.
    step_outputs_dir: Path | None = None  # default: warehouse_dir/staging

    def __post_init__(self) -> None:
        if self.executor not in EXECUTORS:
            raise ValueError(f"WAREHOUSE_EXECUTOR={self.executor!r}: expected one of {', '.join(EXECUTORS)}")
        if self.executor == "celery" and not self.celery_broker:
            raise ValueError(
                "WAREHOUSE_EXECUTOR=celery needs CELERY_BROKER_URL, the broker every worker listens to "
                "(e.g. redis://broker.example.org:6379/0)"
            )
        if self.celery_backend is None:
            object.__setattr__(self, "celery_backend", self.celery_broker)
        if self.step_outputs_dir is None:
            object.__setattr__(self, "step_outputs_dir", self.warehouse_dir / "staging")
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
            executor=os.environ.get("WAREHOUSE_EXECUTOR") or "multiprocess",
            celery_broker=os.environ.get("CELERY_BROKER_URL") or None,
            celery_backend=os.environ.get("CELERY_RESULT_BACKEND") or None,
            step_outputs_dir=path("STEP_OUTPUTS_DIR", Path()) if os.environ.get("STEP_OUTPUTS_DIR") else None,
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
