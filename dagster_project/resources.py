"""Resources: the raw-file folder, the DuckDB warehouse, and the dbt CLI."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

import dagster as dg
from dagster_dbt import DbtCliResource

from dagster_project.project import dbt_project
from dagster_project.settings import Settings


class LandingFolderResource(dg.ConfigurableResource):
    """Where new source files are dropped, in the raw folder's layout (e.g. wdi/wdi_selected_long.csv)."""

    root: str

    @property
    def path(self) -> Path:
        return Path(self.root)


class RawFilesResource(dg.ConfigurableResource):
    """The folder `make data` (or the landing sensor) fills with source files."""

    root: str

    @property
    def path(self) -> Path:
        return Path(self.root)


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse file the pipeline writes.

    Connections are closed on every exit path: DuckDB admits one writing process per file,
    and a connection left open by a failed step would lock out the next writer (dbt).
    """

    database: str

    @property
    def path(self) -> Path:
        return Path(self.database)

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = duckdb.connect(self.database)
        try:
            yield con
        finally:
            con.close()


def build_resources(settings: Settings) -> dict[str, object]:
    settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    return {
        "raw_files": RawFilesResource(root=str(settings.raw_dir)),
        "landing": LandingFolderResource(root=str(settings.landing_dir)),
        "warehouse": WarehouseResource(database=str(settings.warehouse_path)),
        # The dbt installed beside this interpreter, whether or not the venv is on PATH.
        "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=str(Path(sys.executable).parent / "dbt")),
    }
