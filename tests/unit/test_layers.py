"""The package's layers: Dagster wiring in defs/, Dagster-free libraries beneath it.

A person who knows Dagster finds every asset, check, job, schedule and sensor under
dagster_project/defs/; a person who knows the economics finds every formula outside it,
and those libraries run (and are tested) without Dagster. The imports are read from the
source with ast, not by importing the modules, so a lazy import inside a function counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "dagster_project"
DAGSTER_FREE = ("analysis", "connectors", "indicators", "input_output", "quality", "releases", "services", "storage")
DAGSTER_MODULES = ("dagster", "dagster_dbt", "dagster_dg_cli", "dagster_postgres", "dagster_webserver")
DOMAINS = ("analysis", "automation", "dbt", "innovation", "input_output", "publish")


def imported_modules(path: Path) -> set[str]:
    """Every module a source file imports, at any depth (relative imports resolved against the package)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                found.add(f"{base}.{node.module}" if node.module else base)
            else:
                found.add(node.module)
    return found


def dagster_free_modules() -> list[Path]:
    return sorted(path for folder in DAGSTER_FREE for path in (PACKAGE / folder).rglob("*.py"))


@pytest.mark.parametrize("path", dagster_free_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_libraries_never_import_dagster(path: Path) -> None:
    """Neither Dagster nor the project's own Dagster wiring (defs/, cli/, definitions)."""
    wiring = ("dagster_project.defs", "dagster_project.cli", "dagster_project.definitions", "dagster_project.instance")
    offending = sorted(
        module for module in imported_modules(path)
        if module.split(".")[0] in DAGSTER_MODULES or module.startswith(wiring)
    )
    assert not offending, f"{path.relative_to(PACKAGE)} imports {offending}: move that part under dagster_project/defs/"


def test_every_library_folder_is_checked() -> None:
    """A new package beside defs/ is either declared Dagster-free here or is one of the wiring folders."""
    wiring = {"defs", "cli", "instance", "__pycache__"}
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir()} - wiring
    assert folders == set(DAGSTER_FREE)


def test_defs_holds_one_folder_per_domain() -> None:
    domains = {p.name for p in (PACKAGE / "defs").iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert domains == set(DOMAINS)


def test_every_definition_comes_from_defs() -> None:
    """Assets, checks, jobs, schedules and sensors are all loaded from defs/ (definitions.py adds resources only)."""
    import dagster as dg

    from dagster_project.definitions import defs

    folder = dg.load_from_defs_folder(path_within_project=PACKAGE)
    repo = defs.get_repository_def()
    assert {key for a in folder.assets for key in a.keys} == repo.asset_graph.get_all_asset_keys()
    assert {key for a in folder.assets for key in a.check_keys} == set(repo.asset_graph.asset_check_keys)
    assert {j.name for j in folder.jobs} == {j.name for j in repo.get_all_jobs()} - {"__ASSET_JOB"}
    assert {s.name for s in folder.schedules} == {s.name for s in repo.schedule_defs} == {"monthly_refresh"}
    assert {s.name for s in folder.sensors} == {s.name for s in repo.sensor_defs}
    assert not folder.resources, "resources are bound in definitions.py, once"


def test_every_folder_says_what_it_holds() -> None:
    """Each package folder opens with a docstring (the README's layout section names them)."""
    for init in PACKAGE.rglob("__init__.py"):
        assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), f"{init} has no docstring"


def test_every_release_reader_implements_the_protocol() -> None:
    from dagster_project.releases.reader import ReleaseReader
    from dagster_project.releases.registry import RELEASES

    assert [release.CLASSIFICATION for release in RELEASES] == ["wiod2013", "wiod2016", "oecd_icio"]
    assert all(isinstance(release, ReleaseReader) for release in RELEASES)
