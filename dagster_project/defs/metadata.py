"""How a written table is described to Dagster: its column schema, row count and a preview.

Shared by every domain's assets (the tables themselves are written by storage/tables.py).
"""

from __future__ import annotations

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
