"""`make sql`: DuckDB's shell on the analysts' published state, read-only.

The shell attaches the lake at the snapshot of the last publication (storage/lake.py), so what it
shows passed every blocking check and does not change under the analyst while the pipeline
runs; it holds no lock the pipeline needs. The README's queries run there as written;
`from meta.publications` lists earlier publications for `AT (VERSION => snapshot_id)`.
Arguments after `--` go to the duckdb CLI (e.g. `-c "select ..."`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from dagster_project.settings import Settings
from dagster_project.storage.lake import LakeUnavailable


def shell_command(settings: Settings, extra: list[str]) -> list[str]:
    lake = settings.lake
    snapshot = lake.published_snapshot()
    if snapshot is None:
        raise LakeUnavailable("nothing is published yet: `make run` publishes once every check passed")
    duckdb_cli = Path(sys.executable).with_name("duckdb")
    commands = [arg for statement in lake.session_sql(read_only=True, snapshot=snapshot) for arg in ("-cmd", statement)]
    return [str(duckdb_cli), *commands, *extra]


def main(argv: list[str]) -> int:
    try:
        command = shell_command(Settings.from_env(), argv)
    except LakeUnavailable as exc:
        print(f"make sql: {exc}", file=sys.stderr)
        return 1
    os.execv(command[0], command)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
