"""Expectation suites for the raw input-output tables, in code.

Codes are checked against the dbt seeds (quality/seeds.py), so that a raw table can be
validated before dbt has run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import great_expectations as gx

from dagster_project.quality.seeds import seed

E = gx.expectations


def country_codes() -> list[str]:
    return sorted(seed("countries")["country_code"])


def industry_codes(classification: str) -> list[str]:
    industries = seed("industries")
    return sorted(industries.loc[industries["classification"] == classification, "industry_code"])


def table_shape(columns: Mapping[str, str], key: Iterable[str]) -> list:
    """Exactly the declared columns, none of them null, and the key unique."""
    return [
        E.ExpectTableColumnsToMatchSet(column_set=list(columns), exact_match=True),
        *(E.ExpectColumnValuesToNotBeNull(column=c) for c in columns),
        E.ExpectCompoundColumnsToBeUnique(column_list=list(key)),
    ]


def wiod_flows(columns: Mapping[str, str], classification: str, years: list[int]) -> list:
    industries = industry_codes(classification)
    intermediate = 'use_type == "intermediate"'
    return [
        *table_shape(columns, ["classification", "year", "row_country", "row_industry", "col_country", "col_use"]),
        E.ExpectColumnValuesToBeInSet(column="classification", value_set=[classification]),
        E.ExpectColumnValuesToBeInSet(column="year", value_set=years),
        E.ExpectColumnValuesToBeInSet(column="use_type", value_set=["intermediate", "final"]),
        E.ExpectColumnValuesToBeInSet(column="row_country", value_set=country_codes()),
        E.ExpectColumnValuesToBeInSet(column="col_country", value_set=country_codes()),
        E.ExpectColumnValuesToBeInSet(column="row_industry", value_set=industries),
        E.ExpectColumnValuesToBeInSet(
            column="col_use", value_set=industries, row_condition=intermediate, condition_parser="pandas"
        ),
        # Final uses may be negative (capital formation); intermediate flows may not.
        E.ExpectColumnValuesToBeBetween(
            column="value_usd_m", min_value=0, row_condition=intermediate, condition_parser="pandas"
        ),
    ]


def wiod_gross_output(columns: Mapping[str, str], classification: str, years: list[int]) -> list:
    return [
        *table_shape(columns, ["classification", "year", "country_code", "industry_code"]),
        E.ExpectColumnValuesToBeInSet(column="classification", value_set=[classification]),
        E.ExpectColumnValuesToBeInSet(column="year", value_set=years),
        E.ExpectColumnValuesToBeInSet(column="country_code", value_set=country_codes()),
        E.ExpectColumnValuesToBeInSet(column="industry_code", value_set=industry_codes(classification)),
        E.ExpectColumnValuesToBeBetween(column="gross_output_usd_m", min_value=0),
    ]
