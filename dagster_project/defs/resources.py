"""Resources: the raw-file folder, the warehouse lake, the staging folder, and the dbt CLI."""

from __future__ import annotations

import pickle
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource

from dagster_project.defs.dbt.project import dbt_project
from dagster_project.settings import Settings
from dagster_project.storage.files import atomic_write
from dagster_project.storage.lake import Lake

# dbt builds are the one kind of step kept apart: dbt-duckdb cannot re-run a transaction that
# lost a race (on an SQLite catalog 5 of 6 models failed with several threads; on PostgreSQL
# two builds at once conflict on the tables they create), so they run one at a time across all
# runs and machines (pool limit 1 in dagster_home/dagster.yaml and deploy/server/dagster.yaml).
# Python writers retry their own transactions (storage/lake.py: transactions) and need no pool.
DBT_POOL = "dbt_lake"
STEP_OUTPUTS = "step_outputs"
# The dbt installed beside this interpreter (whether or not the venv is on PATH), started by the
# project's `dbt-parent-bound` command so that it dies with the step's process (cli/parent_bound.py).
DBT_EXECUTABLE = Path(sys.executable).parent / "dbt-parent-bound"


class FolderResource(dg.ConfigurableResource):
    """A folder of source files: the raw folder `make data` (or the landing sensor) fills, or the
    landing folder new files are dropped into, in the raw folder's layout (e.g. wdi/wdi_selected_long.csv)."""

    root: str

    @property
    def path(self) -> Path:
        return Path(self.root)


class WarehouseResource(dg.ConfigurableResource):
    """The warehouse lake (storage/lake.py) and the local folder of the run's files (staging, reports, logs).

    Connections are closed on every exit path. A lake that cannot be attached raises
    `lake.LakeUnavailable`, which says why and what to do.
    """

    directory: str
    catalog: str
    data_path: str
    step_outputs: str  # the StepOutputPickles folder (shared by the machines of the celery executor)

    @property
    def lake(self) -> Lake:
        return Lake(catalog=self.catalog, data_path=self.data_path)

    @property
    def path(self) -> Path:
        """The warehouse folder: staging, reports and run logs live under it."""
        return Path(self.directory)

    @property
    def staging_dir(self) -> Path:
        """Where runs stage files before loading them."""
        return self.path / "staging"

    @property
    def run_roots(self) -> list[Path]:
        """The folders holding a folder per run: staging and step outputs (one, when they are the same)."""
        return sorted({self.staging_dir, Path(self.step_outputs)})

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection of its own on the process's shared attach of the lake (Lake.shared_connection)."""
        con = self.lake.shared_connection()
        try:
            yield con
        finally:
            con.close()


class StepOutputPickles(dg.ConfigurableIOManager):
    """Pickles the small values passed between the steps of a run (which year; what was staged).

    Kept by run and step, not by partition, because a single run covers many year partitions
    and Dagster's default IO manager refuses outputs spanning several partitions.
    """

    root: str

    def _path(self, context: dg.OutputContext) -> Path:
        # One file per output and, for a dynamic output, per mapping key (the year).
        name = ".".join(p for p in (context.step_key, context.name, context.mapping_key) if p)
        return Path(self.root) / context.run_id / "outputs" / f"{name}.pickle"

    def handle_output(self, context: dg.OutputContext, obj) -> None:
        with atomic_write(self._path(context)) as out:
            pickle.dump(obj, out)

    def load_input(self, context: dg.InputContext):
        return pickle.loads(self._path(context.upstream_output).read_bytes())


def build_resources(settings: Settings) -> dict[str, object]:
    warehouse = WarehouseResource(
        directory=str(settings.warehouse_dir), catalog=settings.catalog, data_path=settings.data_path,
        step_outputs=str(settings.step_outputs_dir),
    )
    return {
        "raw_files": FolderResource(root=str(settings.raw_dir)),
        "landing": FolderResource(root=str(settings.landing_dir)),
        "warehouse": warehouse,
        STEP_OUTPUTS: StepOutputPickles(root=warehouse.step_outputs),
        "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=str(DBT_EXECUTABLE)),
    }
