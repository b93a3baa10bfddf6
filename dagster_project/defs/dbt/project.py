"""The dbt project Dagster loads; its manifest is built by `make` (dbt parse) or by `dagster dev`."""

import os
import sys
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

from dagster_project.settings import DBT_PROJECT_DIR, Settings, environment

# The dbt installed beside this interpreter: found whether or not the venv is on PATH (a bare
# shell running `make ui`, the daemon, a run worker).
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)

# Under `dagster dev`, re-parse when the code location (re)loads so that edited models show.
# Not `dbt_project.prepare_if_dev()`: its preparer runs the `dbt` on PATH, and a bare shell has none.
if os.getenv("DAGSTER_IS_DEV_CLI"):
    with environment(Settings.from_env().lake.environment()):  # the profile reads the lake's settings
        parse = DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE).cli(
            ["parse", "--quiet"], target_path=dbt_project.target_path
        )
    parse.wait()
