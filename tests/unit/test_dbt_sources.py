"""Each table dbt reads but does not build is declared once, in Python: dbt's sources file is generated from it."""

import yaml

from dagster_project.cli.dbt_sources import SOURCES_FILE, main, sources_yaml
from dagster_project.indicators.catalogue import SOURCES
from dagster_project.input_output.tables import DECLARATIONS


def test_the_committed_sources_file_is_the_one_generated_from_the_declarations():
    assert SOURCES_FILE.read_text(encoding="utf-8") == sources_yaml(), (
        "dbt/models/staging/_sources.yml differs from the declarations: run python -m dagster_project.cli.dbt_sources"
    )
    assert main(["--check"]) == 0


def test_every_declared_table_is_a_source_with_its_columns_types_and_key():
    document = yaml.safe_load(sources_yaml())
    tables = {f"{s['schema']}.{t['name']}": t for s in document["sources"] for t in s["tables"]}
    assert set(tables) == set(DECLARATIONS) | {f"raw.{s.table}" for s in SOURCES}
    for name, declared in DECLARATIONS.items():
        assert [(c["name"], c["data_type"]) for c in tables[name]["columns"]] == [
            (column, sql_type.split()[0]) for column, sql_type in declared.columns.items()
        ]
        assert tables[name]["meta"]["primary_key"] == list(declared.key)
    for source in SOURCES:
        table = tables[f"raw.{source.table}"]
        assert [(c["name"], c["data_type"], c["description"]) for c in table["columns"]] == [
            (c.name, c.sql_type.lower(), c.description) for c in source.columns
        ]
        assert table["description"].startswith(source.description) and source.path in table["description"]


def test_check_reports_a_file_that_was_edited_by_hand(monkeypatch, tmp_path, capsys):
    edited = tmp_path / "_sources.yml"
    edited.write_text(sources_yaml().replace("Table year.", "Year."), encoding="utf-8")
    monkeypatch.setattr("dagster_project.cli.dbt_sources.SOURCES_FILE", edited)
    assert main(["--check"]) == 1
    assert "run python -m dagster_project.cli.dbt_sources" in capsys.readouterr().out
    assert main([]) == 0 and edited.read_text(encoding="utf-8") == sources_yaml()
