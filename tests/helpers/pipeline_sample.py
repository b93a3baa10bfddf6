"""A whole raw folder for end-to-end runs: generated WIOD years beside the mirror's other sources.

The input-output tables are generated (small years, fast to build on); the indicator files
are the real ones, linked from the data mirror, so every asset of the pipeline has input.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dagster_project.settings import PROJECT_ROOT, Settings
from tests.helpers.warehouse import SHARED_DATA, table_checksums
from tests.helpers.wiod_sample import sample_year, write_rdata

YEARS = (2009, 2010, 2011)


def build_raw_dir(raw_dir: Path, years=YEARS) -> None:
    """Links to each mirror file (a test may swap one for a broken copy), generated WIOD years."""
    raw_dir.mkdir(parents=True, exist_ok=True)
    for source in SHARED_DATA.rglob("*"):
        relative = source.relative_to(SHARED_DATA)
        if source.is_file() and relative.parts[0] != "wiod2013" and source.name != "PROVENANCE.md":
            (raw_dir / relative).parent.mkdir(parents=True, exist_ok=True)
            (raw_dir / relative).symlink_to(source)
    for year in years:
        write_rdata(raw_dir, sample_year(year))


def settings_for(root: Path, raw_dir: Path) -> Settings:
    return Settings(data_mirror=SHARED_DATA, raw_dir=raw_dir, warehouse_dir=root / "warehouse")


def run_env(settings: Settings, dagster_home: Path) -> dict[str, str]:
    dagster_home.mkdir(parents=True, exist_ok=True)
    (dagster_home / "dagster.yaml").write_text((PROJECT_ROOT / "dagster_home" / "dagster.yaml").read_text())
    return {
        **os.environ,
        "RAW_DATA_DIR": str(settings.raw_dir),
        "WAREHOUSE_DIR": str(settings.warehouse_dir),
        "DAGSTER_HOME": str(dagster_home),
    }


def start_run(settings: Settings, dagster_home: Path, log: Path, *flags: str) -> subprocess.Popen:
    """`make run`'s materialize step as its own process group (the run and any step processes)."""
    return subprocess.Popen(
        [sys.executable, "-m", "dagster_project.cli.run", *flags],
        cwd=PROJECT_ROOT, env=run_env(settings, dagster_home),
        stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
    )


def mart_checksums(settings: Settings, published: bool = False) -> dict:
    return {
        name: value
        for name, value in table_checksums(settings, published=published).items()
        if name.split(".")[0] in ("marts", "analytics")
    }
