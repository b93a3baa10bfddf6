"""The dbt project Dagster loads; its manifest is built by `make` (dbt parse) or by `dagster dev`."""

from dagster_dbt import DbtProject

from dagster_project.settings import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()
