"""The rows of failed dbt tests, read back for the step's error (quality/dbt_failures.py)."""

import json

import duckdb

from dagster_project.quality.dbt_failures import failed_test_rows


def result(name: str, status: str, failures: int | None, sql: str) -> dict:
    return {"unique_id": f"test.economic_warehouse.{name}.abc123", "status": status, "failures": failures,
            "compiled_code": sql}


def test_each_failed_test_is_named_with_its_first_rows(tmp_path):
    run_results = tmp_path / "run_results.json"
    run_results.write_text(json.dumps({"results": [
        result("not_null_columns_t", "fail", 2, "select * from (values ('value', 2), ('year', 1)) v(column_name, null_rows)"),
        result("unique_t_id", "pass", 0, "select 1 where false"),
        result("columns_between_t", "fail", 1, "select 'share' as column_name, 3 as rows_outside, '1.5' as largest"),
        result("relationships_t", "fail", 7, "select * from gone.table_that_was_replaced"),
        {"unique_id": "model.economic_warehouse.t", "status": "error", "failures": None, "compiled_code": "select 1"},
    ]}))
    with duckdb.connect() as con:
        lines = failed_test_rows(con, run_results, limit=1)
    assert lines[:4] == [
        "not_null_columns_t: 2 failing rows",
        "  column_name=value, null_rows=2",
        "columns_between_t: 1 failing row",
        "  column_name=share, rows_outside=3, largest=1.5",
    ]
    assert lines[4] == "relationships_t: 7 failing rows"
    assert lines[5].startswith("  (its query no longer runs: Catalog Error") and len(lines) == 6


def test_no_run_results_means_no_lines(tmp_path):
    with duckdb.connect() as con:
        assert failed_test_rows(con, tmp_path / "run_results.json") == []
