"""dbt models and seeds as Dagster assets, keyed by their warehouse schema and table.

Asset keys mirror where analysts find the table (`marts/fct_...` is `marts.fct_...`), dbt
sources resolve to the Python assets that fill them, and groups follow the dbt folders.
"""

import shutil
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from dagster_project.defs.automation.propagation import FOLLOW_INPUTS
from dagster_project.defs.dbt.project import dbt_project
from dagster_project.defs.input_output.partitions import years_of_run
from dagster_project.defs.metadata import table_metadata
from dagster_project.defs.resources import DBT_POOL, WarehouseResource
from dagster_project.quality.dbt_failures import failed_test_rows
from dagster_project.settings import environment
from dagster_project.storage.lake import RETRYABLE


class WarehouseDbtTranslator(DagsterDbtTranslator):
    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        resource_type = props["resource_type"]
        if resource_type == "source":
            key = dg.AssetKey([props["source_name"], props["name"]])
            return spec.replace_attributes(key=key)
        schema = props["config"].get("schema") or props["schema"]
        group = "classifications" if resource_type == "seed" else props["fqn"][1]
        return spec.replace_attributes(
            key=dg.AssetKey([schema, props["alias"] or props["name"]]),
            group_name=group,
            owners=["team:warehouse"],
            automation_condition=FOLLOW_INPUTS,
        )

    def get_asset_check_spec(self, asset_spec, manifest, unique_id, project) -> dg.AssetCheckSpec | None:
        """The dbt test as a check, with the test's own `description:` (dagster-dbt reads only `meta`)."""
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        description = manifest["nodes"].get(unique_id, {}).get("description")
        return spec._replace(description=description) if spec and description and not spec.description else spec


# dbt domains (the folder inside each layer, tagged in dbt_project.yml) and the Dagster steps
# that build them, one `dbt build` each. Domains whose inputs differ are steps of their own, so
# that one domain's failed source does not skip the other's models: the input-output models read
# only the input-output tables, the indicators' models read the indicator files too. The panel of
# the regressions (analysis) reads both, so any failure that holds back the indicators holds it
# back as well: it is built in the indicators' step, which spares a dbt process per run (about
# 5 s of dbt's start and end, measured). The ledgers read the Python ledger that the regressions
# write, so they come last (dbt/models/marts/ledgers/_ledgers.yml).
DBT_DOMAINS = ("input_output", "innovation", "analysis", "ledgers")
DBT_STEPS = {
    "input_output": ("input_output",),
    "innovation_and_analysis": ("innovation", "analysis"),
    "ledgers": ("ledgers",),
}


def dbt_selection(step: str) -> str:
    """The `--select` of a dbt step: the tags of its domains (dbt takes their union)."""
    return " ".join(f"tag:{domain}" for domain in DBT_STEPS[step])


def build_dbt_assets(step: str) -> dg.AssetsDefinition:
    @dbt_assets(
        manifest=dbt_project.manifest_path,
        select=dbt_selection(step),
        name=f"{step}_dbt_models",
        dagster_dbt_translator=WarehouseDbtTranslator(),
        pool=DBT_POOL,
    )
    def step_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
        """`dbt build` of the step's seeds, models and tests, in dependency order.

        Events are held until dbt exits and then released with each table's row count and a
        preview attached. A build that lost a race with another writer of the lake (dbt-duckdb
        cannot re-run a DuckLake transaction itself) is retried as a whole.
        """
        # A run of some input-output years rebuilds only those years of the year-grained models.
        years = years_of_run(context.run.tags, context.instance)
        # dbt unit tests check the SQL, not the data: `make test` runs them (tests/integration/test_dbt_tests.py).
        args = ["build", "--exclude-resource-type", "unit_test"]
        if years:
            context.log.info(f"year-grained models: only the years {', '.join(map(str, years))} (DBT_RUN_YEARS)")
        # dbt's profile reads the lake's settings from its environment, which dagster-dbt copies
        # from this process's when it starts dbt, and so does dbt/macros/in_run_years.sql the run's
        # years (empty: every year): set them for that moment only, so that this process (in
        # `make run`, the whole run) keeps no trace of this run's lake or years.
        with environment({**warehouse.lake.environment(), "DBT_RUN_YEARS": ",".join(map(str, years or []))}):
            invocation = dbt.cli(args, context=context, raise_on_error=False)
        events = list(invocation.stream())
        with warehouse.get_connection() as con:
            for event in events:
                if isinstance(event, dg.Output):
                    key = context.asset_key_for_output(event.output_name)
                    event = event.with_metadata({**event.metadata, **table_metadata(con, ".".join(key.path))})
                yield event
        if not invocation.is_successful():
            error = invocation.get_error()
            if error and any(text in str(error) for text in RETRYABLE):
                raise dg.RetryRequested(max_retries=3, seconds_to_wait=2) from error
            # dbt counts a failed test's rows; the rows themselves name the column or key at fault.
            with warehouse.get_connection() as con:
                found = failed_test_rows(con, invocation.target_path / "run_results.json")
            raise dg.Failure(
                description="\n".join(
                    [f"dbt build failed: {error}" if error else "dbt build failed; see the dbt log", *found]
                ),
                metadata={"dbt_target_path": dg.MetadataValue.path(str(invocation.target_path))},
            )
        # Each invocation writes its own target folder (~13 MB of artifacts); a failed one is kept above.
        shutil.rmtree(invocation.target_path, ignore_errors=True)

    return step_models


dbt_model_assets = [build_dbt_assets(step) for step in DBT_STEPS]
