"""What a failed dbt test found, for the error of the step that ran it.

dbt reports a failed data test as a count ("Got 2 results, configured to fail if != 0"); the
rows its query returns say which column, key or value failed and how (the warehouse's many-
column tests return a row per bad column: dbt/macros/test_not_null_columns.sql,
test_columns_between.sql). dbt keeps each test's compiled query in run_results.json, so the
first rows are read back from the lake and put in the error the user sees.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

SHOWN_ROWS = 5


def failed_test_rows(con: duckdb.DuckDBPyConnection, run_results: Path, limit: int = SHOWN_ROWS) -> list[str]:
    """A line per failed test of the dbt invocation whose `run_results.json` this is, then up to `limit` of its rows.

    `con` attaches the lake as dbt does (`lake`). A test whose query no longer runs (its
    relation replaced since) is named without rows rather than hiding the build's own error.
    """
    if not run_results.exists():
        return []
    lines = []
    for result in json.loads(run_results.read_text())["results"]:
        if result["status"] != "fail" or not result.get("compiled_code"):
            continue
        name = result["unique_id"].split(".")[2]
        lines.append(f"{name}: {result['failures']} failing row{'' if result['failures'] == 1 else 's'}")
        try:
            rows = con.execute(f"select * from ({result['compiled_code']}) limit {int(limit)}")
            columns = [column[0] for column in rows.description]
            lines += ["  " + ", ".join(f"{c}={v}" for c, v in zip(columns, row)) for row in rows.fetchall()]
        except duckdb.Error as error:
            lines.append(f"  (its query no longer runs: {str(error).splitlines()[0]})")
    return lines
