"""Every SQL example in the README runs against the published snapshot and returns rows."""

import re

import pytest

from dagster_project.settings import PROJECT_ROOT
from tests.helpers.warehouse import warehouse_connection

pytestmark = pytest.mark.real_data


def readme_queries() -> list[str]:
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    return [q.strip() for q in re.findall(r"```sql\n(.*?)```", text, flags=re.S)]


def test_the_readme_has_at_least_five_queries():
    assert len(readme_queries()) >= 5


@pytest.mark.parametrize("query", readme_queries(), ids=lambda q: q.splitlines()[0][:60])
def test_readme_query_returns_rows_from_the_snapshot(real_warehouse, query):
    with warehouse_connection(real_warehouse.settings, published=True) as con:
        rows = con.execute(query).fetchall()
    assert rows, f"no rows from:\n{query}"
