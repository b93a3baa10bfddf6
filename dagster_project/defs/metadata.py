"""How a written table is described to Dagster: its column schema, row count and a preview.

Shared by every domain's assets (the tables themselves are written by storage/tables.py).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping, Sequence

import dagster as dg
import duckdb

PREVIEW_ROWS = 5


def table_metadata(
    con: duckdb.DuckDBPyConnection, table: str, where: str = "true", params: Sequence = ()
) -> dict[str, dg.MetadataValue]:
    """Row count and a small preview of what a materialization wrote, for the Dagster UI."""
    count = con.execute(f"select count(*) from {table} where {where}", list(params)).fetchone()[0]
    preview = con.execute(
        f"select * from {table} where {where} limit {PREVIEW_ROWS}", list(params)
    ).df()
    return {
        "dagster/row_count": dg.MetadataValue.int(int(count)),
        "preview": dg.MetadataValue.md(preview.to_markdown(index=False)),
    }


def column_schema(columns: Mapping[str, str], descriptions: Mapping[str, str]) -> dg.TableSchema:
    return dg.TableSchema(
        columns=[
            dg.TableColumn(name, sql_type.split()[0].lower(), description=descriptions.get(name))
            for name, sql_type in columns.items()
        ]
    )


def step_worker() -> dict[str, dg.MetadataValue]:
    """Which worker ran the step, for a person watching a run spread over machines.

    On the celery executor the Celery worker's name (`name@host`, as `make worker` names it),
    else this host's name; and the pid of the process that ran the step.
    """
    from celery import current_task

    request = current_task.request if current_task else None
    name = getattr(request, "hostname", None) or socket.gethostname()
    return {"worker": dg.MetadataValue.text(name), "worker_pid": dg.MetadataValue.int(os.getpid())}
