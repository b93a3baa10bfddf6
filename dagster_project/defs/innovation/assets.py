"""Ingest of the indicator sources of the innovation domain: one asset per source file.

Each file is its own asset, so a missing or malformed file fails only its own asset (with
the file, line and column in the error) while the other sources of the same run still
materialize. Stage, audit, then write, as for the input-output years: the file is read and
typed (the reader), audited against what its `Source` declares (quality/indicator_audit.py:
row count, unique key, value ranges, known codes, each an asset check of this asset), and
only if every blocking check passed is the warehouse opened and the table swapped in one
transaction. A failed read or blocking check never touches the stored table; the row count
only warns.
"""

import dagster as dg
import duckdb
import pandas as pd

from dagster_project.defs.innovation.freshness import freshness_policy
from dagster_project.defs.metadata import column_schema, table_metadata
from dagster_project.defs.resources import FolderResource, WarehouseResource
from dagster_project.indicators import catalogue, reader
from dagster_project.indicators.reader import Source, SourceFileError
from dagster_project.quality.indicator_audit import audit_source, blocking_failures, declared_checks
from dagster_project.storage.lake import transactions
from dagster_project.storage.tables import replace_rows


def _ingest_asset(source: Source) -> dg.AssetsDefinition:
    checks = [
        dg.AssetCheckSpec(check.name, asset=source.asset_key, blocking=check.blocking, description=check.description)
        for check in declared_checks(source)
    ]

    @dg.asset(
        key=source.asset_key,
        group_name="ingest",
        owners=["team:warehouse"],
        kinds={"csv", "duckdb"},
        tags={"source": _tag_value(source.provider), reader.DOMAIN: ""},
        description=f"{source.description}\n\nSource file: `{source.path}`. Units: {source.units}",
        metadata={
            "dagster/column_schema": column_schema(source.sql_columns, source.column_docs),
            "source_path": source.path,
            "provenance": source.provenance,
            "units": source.units,
            "primary_key": list(source.key),
        },
        check_specs=checks,
        freshness_policy=freshness_policy(source.path),
    )
    def ingest(context: dg.AssetExecutionContext, raw_files: FolderResource, warehouse: WarehouseResource):
        try:
            table = reader.stage_source(raw_files.path, source)
        except SourceFileError as exc:
            raise dg.Failure(
                description=str(exc),
                metadata={"source_file": str(source.file(raw_files.path)), "table": source.qualified_table},
                allow_retries=False,
            ) from exc
        if table.ignored_columns:
            context.log.warning(f"{table.path}: column(s) not declared, not loaded: {', '.join(table.ignored_columns)}")
        outcomes = audit_source(table)
        for outcome in outcomes:
            yield dg.AssetCheckResult(
                check_name=outcome.check.name, passed=outcome.finding.passed,
                severity=dg.AssetCheckSeverity.ERROR if outcome.check.blocking else dg.AssetCheckSeverity.WARN,
                description=outcome.finding.description,
                metadata={name: dg.MetadataValue.json(value) if isinstance(value, dict) else value
                          for name, value in outcome.finding.metadata.items()},
            )
        failed = blocking_failures(outcomes)
        if failed:
            raise dg.Failure(
                description=f"{failed}; nothing was written and {source.qualified_table} is unchanged",
                metadata={"source_file": str(table.path), "table": source.qualified_table},
                allow_retries=False,
            )
        for outcome in outcomes:
            if not outcome.finding.passed:
                context.log.warning(f"{outcome.check.name}: {outcome.finding.description}")
        with warehouse.get_connection() as con:
            for attempt in transactions(con):
                with attempt:
                    replace_table(con, source, table.frame)
            metadata = table_metadata(con, source.qualified_table)
        context.log.info(f"{table.path}: {len(table.frame)} rows into {source.qualified_table}")
        yield dg.MaterializeResult(
            metadata={
                **metadata,
                "source_file": dg.MetadataValue.path(str(table.path)),
                "source_sha256": table.sha256,
                "ignored_columns": list(table.ignored_columns),
            },
            data_version=dg.DataVersion(table.sha256),
        )

    return ingest


def replace_table(con: duckdb.DuckDBPyConnection, source: Source, frame: pd.DataFrame) -> None:
    """Swap the whole table for `frame` (call inside `transaction`).

    A table stored with other columns or types than the source now declares (the declaration
    changed) is dropped and recreated in the same transaction, so the raw table always has
    the declared schema.
    """
    stored = con.execute(
        "select column_name, data_type, is_nullable from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [reader.RAW_SCHEMA, source.table],
    ).fetchall()
    declared = [(c.name, c.sql_type, "YES" if c.nullable else "NO") for c in source.columns]
    if stored and stored != declared:
        con.execute(f"drop table {source.qualified_table}")
    replace_rows(con, source.qualified_table, source.sql_columns, frame)


def _tag_value(text: str) -> str:
    """Dagster tag values: letters, digits, '-', '_' and '.' only."""
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in text)[:63].strip("_")


indicator_assets = [_ingest_asset(source) for source in catalogue.SOURCES]
