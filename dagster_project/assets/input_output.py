"""Year-partitioned input-output assets: the raw WIOD tables and their Leontief multipliers.

A run may cover many years (single-run backfills); all its years are written in one
transaction, so a bad year file fails the run and leaves every stored year as it was.
"""

import dagster as dg
import numpy as np
import pandas as pd

from dagster_project import leontief, wiod2013
from dagster_project.resources import RawFilesResource, WarehouseResource
from dagster_project.warehouse import column_schema, replace_year, table_metadata, transaction

FLOWS = "raw.wiod_flows"
GROSS_OUTPUT = "raw.wiod_gross_output"
MULTIPLIERS = "intermediate.leontief_industry_multipliers"

FLOWS_COLUMNS = {
    "classification": "varchar not null",
    "year": "smallint not null",
    "row_country": "varchar not null",
    "row_industry": "varchar not null",
    "col_country": "varchar not null",
    "col_use": "varchar not null",
    "use_type": "varchar not null",
    "value_usd_m": "double not null",
}
GROSS_OUTPUT_COLUMNS = {
    "classification": "varchar not null",
    "year": "smallint not null",
    "country_code": "varchar not null",
    "industry_code": "varchar not null",
    "gross_output_usd_m": "double not null",
}
MULTIPLIER_COLUMNS = {
    "classification": "varchar not null",
    "year": "smallint not null",
    "country_code": "varchar not null",
    "industry_code": "varchar not null",
    "input_industry_code": "varchar not null",
    "leontief_total": "double not null",
    "leontief_domestic": "double not null",
}

COLUMN_DOCS = {
    "classification": "Input-output release and its industry classification (wiod2013).",
    "year": "Table year.",
    "row_country": "Supplying country (WIOD code).",
    "row_industry": "Supplying industry (c1..c35).",
    "col_country": "Using country (WIOD code).",
    "col_use": "Using industry (c1..c35) or final use (c37 households, c38 NPISH, c39 government, c41 GFCF, c42 inventories).",
    "use_type": "intermediate or final.",
    "value_usd_m": "Flow in millions of current US dollars; zero cells are not stored.",
    "country_code": "Country of the using (column) industry, WIOD code.",
    "industry_code": "Using (column) industry.",
    "gross_output_usd_m": "Gross output in millions of current US dollars (the release's output vector).",
    "input_industry_code": "Supplying (row) industry the multiplier sums over.",
    "leontief_total": "Σ over all countries r of L[(r, input industry), (country, industry)], L = (I-A)⁻¹ of the world table.",
    "leontief_domestic": "L_c[input industry, industry] with L_c = (I - A_cc)⁻¹ of the country's own block.",
}


def build_input_output_assets(
    partitions_def: dg.PartitionsDefinition,
) -> list[dg.AssetsDefinition]:
    backfill = dg.BackfillPolicy.single_run()

    @dg.multi_asset(
        specs=[
            dg.AssetSpec(
                ["raw", "wiod_flows"],
                description=(
                    "Every non-zero cell of the WIOD 2013 world input-output table, long form: "
                    "who supplies whom, for intermediate and final use."
                ),
                metadata={"dagster/column_schema": column_schema(FLOWS_COLUMNS, COLUMN_DOCS)},
                owners=["team:warehouse"],
                tags={"source": "wiod2013"},
            ),
            dg.AssetSpec(
                ["raw", "wiod_gross_output"],
                description=(
                    "The release's own gross-output vector, kept separately so that the "
                    "accounting identity (intermediate + final sales = output) can be checked."
                ),
                metadata={"dagster/column_schema": column_schema(GROSS_OUTPUT_COLUMNS, COLUMN_DOCS)},
                owners=["team:warehouse"],
                tags={"source": "wiod2013"},
            ),
        ],
        partitions_def=partitions_def,
        backfill_policy=backfill,
        group_name="ingest",
    )
    def wiod_tables(context: dg.AssetExecutionContext, raw_files: RawFilesResource, warehouse: WarehouseResource):
        years = [int(k) for k in context.partition_keys]
        with warehouse.get_connection() as con, transaction(con):
            for year in years:
                table = wiod2013.read_year(raw_files.path, year)
                context.log.info(f"{year}: read {table.source.name} ({table.size} country-industries)")
                replace_year(con, FLOWS, FLOWS_COLUMNS, table.flows_frame(), wiod2013.CLASSIFICATION, year)
                replace_year(
                    con, GROSS_OUTPUT, GROSS_OUTPUT_COLUMNS, table.gross_output_frame(),
                    wiod2013.CLASSIFICATION, year,
                )
        with warehouse.get_connection() as con:
            for key, table_name in ((["raw", "wiod_flows"], FLOWS), (["raw", "wiod_gross_output"], GROSS_OUTPUT)):
                yield dg.MaterializeResult(
                    asset_key=key,
                    metadata={"years": years, **_years_metadata(con, table_name, years)},
                )

    @dg.asset(
        key=["intermediate", "leontief_industry_multipliers"],
        deps=[dg.AssetKey(["raw", "wiod_flows"]), dg.AssetKey(["raw", "wiod_gross_output"])],
        partitions_def=partitions_def,
        backfill_policy=backfill,
        group_name="intermediate",
        owners=["team:warehouse"],
        description=(
            "Leontief multipliers of every country-industry column, summed by supplying industry: "
            "the global inverse (I-A)⁻¹ over all countries and each country's domestic inverse. "
            "Kept at n_industries x N per year instead of N² so marts can group them by any "
            "service classification in SQL."
        ),
        metadata={"dagster/column_schema": column_schema(MULTIPLIER_COLUMNS, COLUMN_DOCS)},
    )
    def leontief_industry_multipliers(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        years = [int(k) for k in context.partition_keys]
        with warehouse.get_connection() as con:
            frames = {year: multipliers_frame(con, year) for year in years}
            with transaction(con):
                for year, frame in frames.items():
                    replace_year(con, MULTIPLIERS, MULTIPLIER_COLUMNS, frame, wiod2013.CLASSIFICATION, year)
            return dg.MaterializeResult(metadata={"years": years, **_years_metadata(con, MULTIPLIERS, years)})

    return [wiod_tables, leontief_industry_multipliers]


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


def _years_metadata(con, table: str, years: list[int]) -> dict[str, dg.MetadataValue]:
    return table_metadata(con, table, "year in (select unnest(?))", [years])
