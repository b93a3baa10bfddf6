"""Accounting identities every input-output table must satisfy, checked in SQL per year.

* Row balance: intermediate + final sales = gross output, within 0.1% of output or the
  storage precision (one unit per cell of the row: the WIOD 2013 RData truncates every
  cell to whole millions), whichever is larger — the same rule as the dbt test
  `io_row_balance` on the mart, applied here to the raw tables before anything is built
  on them.
* Technical coefficients: every column of A sums to less than 1 where output is positive
  (an industry cannot buy more intermediate inputs than it produces).
* Completeness: every country of the table has every industry of its classification, and
  the table has as many economies as the release publishes.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from dagster_project.input_output.tables import FLOWS, GROSS_OUTPUT

RELATIVE_TOLERANCE = 0.001
TRUNCATION_UNIT = 1.0
# Economies each release publishes (countries plus the rest of the world).
RELEASE_ECONOMIES = {"wiod2013": 41, "wiod2016": 44}
EXAMPLES = 5


@dataclass(frozen=True)
class AccountingReport:
    per_year: pd.DataFrame  # one row per (classification, year)
    unbalanced_rows: pd.DataFrame
    overspent_columns: pd.DataFrame

    @property
    def passed(self) -> bool:
        return self.unbalanced_rows.empty and self.overspent_columns.empty and bool(self.per_year["complete"].all())


def check_years(
    con: duckdb.DuckDBPyConnection, years: list[int], industries_per_classification: dict[str, int]
) -> AccountingReport:
    con.execute("create or replace temp table checked_years as select unnest(?::int[]) as year", [years])
    accounts = con.execute(
        f"""
        with output as (
            select * from {GROSS_OUTPUT} where year in (select year from checked_years)
        ),
        flows as (
            select * from {FLOWS} where year in (select year from checked_years)
        ),
        sales as (
            select classification, year, row_country as country_code, row_industry as industry_code,
                   sum(value_usd_m) as sales_usd_m
            from flows group by all
        ),
        purchases as (
            select classification, year, col_country as country_code, col_use as industry_code,
                   sum(value_usd_m) as inputs_usd_m
            from flows where use_type = 'intermediate' group by all
        ),
        cells as (
            select o.classification, o.year,
                   count(*) + count(distinct o.country_code) * max(f.final_uses) as cells_per_row
            from output o
            join (
                select classification, year, count(distinct col_use) as final_uses
                from flows where use_type = 'final' group by all
            ) f using (classification, year)
            group by all
        )
        select o.classification, o.year, o.country_code, o.industry_code, o.gross_output_usd_m,
               coalesce(s.sales_usd_m, 0) as sales_usd_m,
               coalesce(p.inputs_usd_m, 0) as inputs_usd_m,
               c.cells_per_row
        from output o
        left join sales s using (classification, year, country_code, industry_code)
        left join purchases p using (classification, year, country_code, industry_code)
        left join cells c using (classification, year)
        """
    ).df()
    allowance = (RELATIVE_TOLERANCE * accounts["gross_output_usd_m"]).clip(
        lower=accounts["cells_per_row"].fillna(0) * TRUNCATION_UNIT
    )
    accounts["gap_usd_m"] = accounts["sales_usd_m"] - accounts["gross_output_usd_m"]
    unbalanced = accounts[accounts["gap_usd_m"].abs() > allowance]
    overspent = accounts[(accounts["gross_output_usd_m"] > 0) & (accounts["inputs_usd_m"] >= accounts["gross_output_usd_m"])]

    industries = (
        accounts.groupby(["classification", "year", "country_code"])["industry_code"].nunique().rename("industries")
    )
    per_year = (
        industries.reset_index()
        .groupby(["classification", "year"])
        .agg(economies=("country_code", "size"), min_industries=("industries", "min"), max_industries=("industries", "max"))
        .join(unbalanced.groupby(["classification", "year"]).size().rename("unbalanced_rows"))
        .join(overspent.groupby(["classification", "year"]).size().rename("overspent_columns"))
        .fillna({"unbalanced_rows": 0, "overspent_columns": 0})
        .reset_index()
    )
    expected_industries = per_year["classification"].map(industries_per_classification)
    expected_economies = per_year["classification"].map(RELEASE_ECONOMIES)
    per_year["complete"] = (
        (per_year["min_industries"] == expected_industries)
        & (per_year["max_industries"] == expected_industries)
        & (expected_economies.isna() | (per_year["economies"] == expected_economies))
    )
    return AccountingReport(per_year=per_year, unbalanced_rows=unbalanced, overspent_columns=overspent)
