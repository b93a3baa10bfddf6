import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).parent))  # test helpers (wiod_sample)

from dagster_project.settings import DBT_PROJECT_DIR, PROJECT_ROOT, Settings  # noqa: E402

SHARED_DATA = Path(os.environ.get("DATA_MIRROR") or PROJECT_ROOT.parent / "shared" / "data").resolve()


def pytest_configure(config):
    """dbt assets load from the manifest; build it if `make` has not."""
    if not (DBT_PROJECT_DIR / "target" / "manifest.json").exists():
        env = {**os.environ, "WAREHOUSE_DIR": os.environ.get("WAREHOUSE_DIR", str(PROJECT_ROOT / "warehouse"))}
        dbt = Path(sys.executable).parent / "dbt"
        subprocess.run([str(dbt), "parse", "--quiet", "--profiles-dir", "."], cwd=DBT_PROJECT_DIR, env=env, check=True)


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_mirror=tmp_path / "mirror", raw_dir=tmp_path / "raw", warehouse_dir=tmp_path / "warehouse")


def table_checksums(database: Path) -> dict[str, tuple[int, int]]:
    """(row count, order-independent content hash) of every table in a DuckDB file."""
    with duckdb.connect(str(database), read_only=True) as con:
        tables = con.execute(
            "select schema_name || '.' || table_name from duckdb_tables() order by 1"
        ).fetchall()
        return {
            name: con.execute(f"select count(*), coalesce(sum(hash(t)), 0) from {name} t").fetchone()
            for (name,) in tables
        }
