"""Year-partitioned input-output assets: the raw tables of every release and their Leontief multipliers.

A year partition holds every release present in the raw folder for that year (WIOD 2013,
WIOD 2016, OECD ICIO; see dagster_project/releases.py), each under its own
`classification`; its rows are replaced as a whole, so a release removed from the raw
folder leaves the warehouse with it. A run may cover many years (single-run backfills);
all its years are written in one transaction, so a bad year file fails the run and leaves
every stored year as it was.
"""

import dagster as dg
import numpy as np
import pandas as pd

from dagster_project import leontief, releases, wiod2013
from dagster_project.assets.checks import IO_CHECK_SPECS, run_io_checks
from dagster_project.automation import FOLLOW_INPUTS
from dagster_project.io_schema import (
    COLUMN_DOCS, FLOWS, FLOWS_COLUMNS, GROSS_OUTPUT, GROSS_OUTPUT_COLUMNS, MULTIPLIER_COLUMNS, MULTIPLIERS,
)
from dagster_project.resources import RawFilesResource, WarehouseResource
from dagster_project.warehouse import column_schema, ensure_table, replace_year, table_metadata, transaction

def build_input_output_assets(
    partitions_def: dg.PartitionsDefinition,
) -> list[dg.AssetsDefinition]:
    backfill = dg.BackfillPolicy.single_run()

    @dg.multi_asset(
        specs=[
            dg.AssetSpec(
                ["raw", "wiod_flows"],
                description=(
                    "Every non-zero cell of the world input-output tables (WIOD 2013, WIOD 2016, "
                    "OECD ICIO, by classification), long form: who supplies whom, for "
                    "intermediate and final use."
                ),
                metadata={"dagster/column_schema": column_schema(FLOWS_COLUMNS, COLUMN_DOCS)},
                owners=["team:warehouse"],
                tags={"source": "input_output_releases"},
            ),
            dg.AssetSpec(
                ["raw", "wiod_gross_output"],
                description=(
                    "The release's own gross-output vector, kept separately so that the "
                    "accounting identity (intermediate + final sales = output) can be checked."
                ),
                metadata={"dagster/column_schema": column_schema(GROSS_OUTPUT_COLUMNS, COLUMN_DOCS)},
                owners=["team:warehouse"],
                tags={"source": "input_output_releases"},
            ),
        ],
        check_specs=IO_CHECK_SPECS,
        partitions_def=partitions_def,
        backfill_policy=backfill,
        group_name="ingest",
    )
    def wiod_tables(context: dg.AssetExecutionContext, raw_files: RawFilesResource, warehouse: WarehouseResource):
        years = [int(k) for k in context.partition_keys]
        present = releases.years_by_release(raw_files.path)
        with warehouse.get_connection() as con:
            try:
                with transaction(con):
                    read = write_years(context, con, raw_files.path, years, present)
                    checks = run_io_checks(con, years)
                    if not all(c.passed for c in checks):
                        raise _AuditFailed(checks)
            except _AuditFailed as failed:
                yield from failed.checks
                raise dg.Failure(
                    description="blocking checks failed on the tables read; the write was rolled back and the "
                    "stored years are unchanged: "
                    + "; ".join(f"{c.check_name}: {c.description}" for c in failed.checks if not c.passed),
                ) from None
        yield from checks
        releases_read = {str(year): ", ".join(names) for year, names in read.items()}
        with warehouse.get_connection() as con:
            for key, table_name in ((["raw", "wiod_flows"], FLOWS), (["raw", "wiod_gross_output"], GROSS_OUTPUT)):
                yield dg.MaterializeResult(
                    asset_key=key,
                    metadata={
                        "years": years,
                        "releases": dg.MetadataValue.json(releases_read),
                        **_years_metadata(con, table_name, years),
                    },
                )

    @dg.asset(
        key=["intermediate", "leontief_industry_multipliers"],
        deps=[dg.AssetKey(["raw", "wiod_flows"]), dg.AssetKey(["raw", "wiod_gross_output"])],
        automation_condition=FOLLOW_INPUTS,
        partitions_def=partitions_def,
        backfill_policy=backfill,
        group_name="intermediate",
        owners=["team:warehouse"],
        description=(
            "Leontief multipliers of every country-industry column, summed by supplying industry: "
            "the global inverse (I-A)⁻¹ over all countries and each country's domestic inverse, "
            "for every release (classification) of the year. Kept at n_industries x N per year "
            "instead of N² so marts can group them by any service classification in SQL."
        ),
        metadata={"dagster/column_schema": column_schema(MULTIPLIER_COLUMNS, COLUMN_DOCS)},
    )
    def leontief_industry_multipliers(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        years = [int(k) for k in context.partition_keys]
        with warehouse.get_connection() as con:
            frames = {
                year: {c: multipliers_frame(con, year, c) for c in classifications_of_year(con, year)}
                for year in years
            }
            with transaction(con):
                for year, by_classification in frames.items():
                    _drop_other_releases(con, MULTIPLIERS, MULTIPLIER_COLUMNS, year, list(by_classification))
                    for classification, frame in by_classification.items():
                        context.log.info(f"{year}: Leontief multipliers of {classification}")
                        replace_year(con, MULTIPLIERS, MULTIPLIER_COLUMNS, frame, classification, year)
            return dg.MaterializeResult(metadata={"years": years, **_years_metadata(con, MULTIPLIERS, years)})

    return [wiod_tables, leontief_industry_multipliers]


class _AuditFailed(Exception):
    """Raised inside the write transaction so that it rolls back; carries the check results."""

    def __init__(self, checks: list[dg.AssetCheckResult]):
        super().__init__("blocking checks failed")
        self.checks = checks


def write_years(context, con, raw_dir, years: list[int], present: dict[str, list[int]]) -> dict[int, list[str]]:
    """Replace each year's rows with every release read for it; returns the releases read per year."""
    read: dict[int, list[str]] = {}
    for year in years:
        tables = releases.read_tables(raw_dir, year, present)
        read[year] = [t.classification for t in tables]
        for table_name, columns in ((FLOWS, FLOWS_COLUMNS), (GROSS_OUTPUT, GROSS_OUTPUT_COLUMNS)):
            _drop_other_releases(con, table_name, columns, year, read[year])
        for table in tables:
            context.log.info(
                f"{year}: read {table.classification} {table.source.name} "
                f"({len(table.countries)} economies x {len(table.industries)} industries)"
            )
            replace_year(con, FLOWS, FLOWS_COLUMNS, table.flows_frame(), table.classification, year)
            replace_year(
                con, GROSS_OUTPUT, GROSS_OUTPUT_COLUMNS, table.gross_output_frame(), table.classification, year
            )
    return read


def classifications_of_year(con, year: int) -> list[str]:
    """The releases whose raw gross output holds the year; an error if none does."""
    ensure_table(con, GROSS_OUTPUT, GROSS_OUTPUT_COLUMNS)
    found = [
        c for (c,) in con.execute(
            f"select distinct classification from {GROSS_OUTPUT} where year = ? order by 1", [year]
        ).fetchall()
    ]
    if not found:
        raise ValueError(f"{GROSS_OUTPUT} has no rows for {year}: materialize the raw year first")
    return found


def multipliers_frame(con, year: int, classification: str = wiod2013.CLASSIFICATION) -> pd.DataFrame:
    """Build Z and x for one year from the raw tables and return its multipliers, long form.

    Country-industries are numbered country-major in SQL, so each country's block of A is
    contiguous, and the flows arrive already as (row position, column position, value).
    """
    output = con.execute(
        f"select country_code, industry_code, gross_output_usd_m from {GROSS_OUTPUT} "
        "where classification = ? and year = ? order by country_code, industry_code",
        [classification, year],
    ).df()
    if output.empty:
        raise ValueError(f"{GROSS_OUTPUT} has no rows for {classification} {year}: materialize the raw year first")
    countries = output["country_code"].unique()
    industries = output["industry_code"].unique()
    n_ind, n = len(industries), len(output)
    if n != len(countries) * n_ind:
        raise ValueError(
            f"{GROSS_OUTPUT} {year}: {n} rows, expected every one of "
            f"{len(countries)} countries x {n_ind} industries"
        )
    cells = con.execute(
        f"""
        with positions as (
            select country_code, industry_code,
                   row_number() over (order by country_code, industry_code) - 1 as pos
            from {GROSS_OUTPUT} where classification = $classification and year = $year
        )
        select r.pos as row_pos, c.pos as col_pos, f.value_usd_m
        from {FLOWS} f
        join positions r on r.country_code = f.row_country and r.industry_code = f.row_industry
        join positions c on c.country_code = f.col_country and c.industry_code = f.col_use
        where f.classification = $classification and f.year = $year and f.use_type = 'intermediate'
        """,
        {"classification": classification, "year": year},
    ).fetchnumpy()
    inter = np.zeros((n, n))
    inter[cells["row_pos"], cells["col_pos"]] = cells["value_usd_m"]

    a = leontief.technical_coefficients(inter, output["gross_output_usd_m"].to_numpy(dtype=np.float64))
    result = leontief.industry_multipliers(a, len(countries), n_ind)
    return pd.DataFrame(
        {
            "classification": classification,
            "year": year,
            "country_code": np.tile(output["country_code"].to_numpy(), n_ind),
            "industry_code": np.tile(output["industry_code"].to_numpy(), n_ind),
            "input_industry_code": np.repeat(industries, n),
            "leontief_total": result.total.ravel(),
            "leontief_domestic": result.domestic.ravel(),
        }
    )


def _drop_other_releases(con, table: str, columns: dict[str, str], year: int, keep: list[str]) -> None:
    """Delete the year's rows of releases no longer read for it (their files left the raw folder)."""
    ensure_table(con, table, columns)
    con.execute(f"delete from {table} where year = ? and classification not in (select unnest(?))", [year, keep])


def _years_metadata(con, table: str, years: list[int]) -> dict[str, dg.MetadataValue]:
    return table_metadata(con, table, "year in (select unnest(?))", [years])
