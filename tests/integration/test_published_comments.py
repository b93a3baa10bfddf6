"""Meanings in the analysts' SQL shell: the published state carries table and column comments.

dbt writes every model's and seed's description as a COMMENT (`persist_docs` in
dbt/dbt_project.yml), which the lake's catalog keeps with each snapshot; the analytics
tables, written by Python (defs/analysis/assets.py), set their own comments. Every published
schema is required to be fully described here.
"""

import pytest

from dagster_project.storage.publish import PUBLISHED_SCHEMAS
from tests.helpers.warehouse import warehouse_connection

DESCRIBED_SCHEMAS = list(PUBLISHED_SCHEMAS)


def _one_thread(con):
    """Catalog scans run on one thread here: two of DuckDB's catalog functions scanning a freshly
    attached DuckLake at once (duckdb_tables() with duckdb_columns()) intermittently fail with
    "Unsupported catalog type for duckdb_columns" or crash the process (DuckDB 1.4.4, ducklake
    1.4.4.20260205; docs/ducklake-findings.md)."""
    con.execute("set threads = 1")
    return con


def _undescribed(con, schemas: list[str]) -> tuple[list[str], list[str]]:
    tables = con.execute(
        "select schema_name || '.' || table_name from duckdb_tables() "
        "where schema_name in (select unnest(?)) and trim(coalesce(comment, '')) = '' order by 1",
        [schemas],
    ).fetchall()
    # Table columns: DuckLake keeps no comments on a view's columns (views describe themselves).
    columns = con.execute(
        "select c.schema_name || '.' || c.table_name || '.' || c.column_name from duckdb_columns() c "
        "join duckdb_tables() t using (database_name, schema_name, table_name) "
        "where c.schema_name in (select unnest(?)) and not c.internal and trim(coalesce(c.comment, '')) = '' "
        "order by 1",
        [schemas],
    ).fetchall()
    return [t for (t,) in tables], [c for (c,) in columns]


def _comments(con, schemas: list[str]) -> dict[tuple[str, str, str], str]:
    rows = con.execute(
        "select schema_name, table_name, '' as column_name, comment from duckdb_tables() "
        "where schema_name in (select unnest($1)) "
        "union all "
        "select c.schema_name, c.table_name, c.column_name, c.comment from duckdb_columns() c "
        "join duckdb_tables() t using (database_name, schema_name, table_name) "
        "where c.schema_name in (select unnest($1))",
        [schemas],
    ).fetchall()
    return {(s, t, c): comment for s, t, c, comment in rows}


@pytest.fixture(scope="module")
def snapshot(sample_pipeline):
    with warehouse_connection(sample_pipeline.settings, published=True) as con:
        yield _one_thread(con)


def test_every_mart_and_seed_table_and_column_has_a_comment(snapshot):
    counts = dict(
        snapshot.execute(
            "select schema_name, count(*) from duckdb_tables() where schema_name in (select unnest(?)) group by 1",
            [DESCRIBED_SCHEMAS],
        ).fetchall()
    )
    assert counts.get("marts", 0) >= 11 and counts.get("seeds", 0) >= 16, counts
    tables, columns = _undescribed(snapshot, DESCRIBED_SCHEMAS)
    assert tables == [], f"published tables without a comment: {tables}"
    assert columns == [], f"published columns without a comment: {columns}"


def test_snapshot_comments_are_the_warehouse_comments(sample_pipeline, snapshot):
    """The copy carries dbt's descriptions verbatim (after doc() rendering), not placeholders."""
    with warehouse_connection(sample_pipeline.settings) as source:
        expected = _comments(_one_thread(source), DESCRIBED_SCHEMAS)
    assert _comments(snapshot, DESCRIBED_SCHEMAS) == expected
    assert "doc(" not in " ".join(expected.values())
    assert expected[("marts", "fct_country_industry_year", "value_added_proxy_usd_m")].startswith(
        "Gross output minus intermediate inputs"
    )


def test_snapshot_run_table_is_described(snapshot):
    tables, columns = _undescribed(snapshot, ["meta"])
    assert (tables, columns) == ([], [])
