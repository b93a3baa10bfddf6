"""Regression tables, the convergence claims ledger and the findings report (group `analysis`).

They read only marts that dbt tests and the raw blocking checks gate: when any of those
fails, these assets do not run and the last good tables and report stay in place.
"""

import dagster as dg
import pandas as pd

from dagster_project.analysis import claims, regressions
from dagster_project.automation import FOLLOW_INPUTS
from dagster_project.resources import WAREHOUSE_POOL, WarehouseResource
from dagster_project.warehouse import replace_rows, table_metadata, transaction

PANEL = dg.AssetKey(["marts", "fct_convergence_panel"])
SERVITIZATION = dg.AssetKey(["marts", "fct_manufacturing_servitization"])
INNOVATION_LEDGER = dg.AssetKey(["marts", "claims_ledger"])
SPECS_KEY = dg.AssetKey(["analytics", "regression_specs"])
RESULTS_KEY = dg.AssetKey(["analytics", "regression_results"])
CLAIMS_KEY = dg.AssetKey(["analytics", "convergence_claims_ledger"])
REPORT_FILE = "convergence_findings.html"

SPEC_COLUMNS = {
    "spec_id": "varchar primary key",
    "finding": "varchar not null",
    "service_group": "varchar not null",
    "conv_measure": "varchar not null",
    "dependent": "varchar not null",
    "sample": "varchar not null",
    "group_definition": "varchar",
    "fixed_effects": "varchar not null",
    "terms": "varchar not null",
    "formula": "varchar not null",
    "sample_description": "varchar not null",
    "fixed_effects_description": "varchar not null",
    "clustering": "varchar not null",
}
RESULT_COLUMNS = {
    "spec_id": "varchar not null",
    "term": "varchar not null",
    "coef": "double",
    "std_err": "double",
    "t_stat": "double",
    "p_value": "double",
    "ci_low": "double",
    "ci_high": "double",
    "n_obs": "integer",
    "n_clusters": "integer",
    "r2_within": "double",
}
CLAIM_COLUMNS = {
    "claim_id": "varchar primary key",
    "finding": "varchar not null",
    "claim": "varchar not null",
    "published_value": "varchar",
    "computed_value": "varchar",
    "evidence": "varchar",
    "verdict": "varchar not null",
    "reason": "varchar not null",
}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            SPECS_KEY, deps=[PANEL], group_name="analysis", owners=["team:research"], kinds={"python", "duckdb"},
            automation_condition=FOLLOW_INPUTS,
            description="One row per estimated specification: formula, sample, dependent, fixed effects, clustering.",
        ),
        dg.AssetSpec(
            RESULTS_KEY, deps=[PANEL], group_name="analysis", owners=["team:research"], kinds={"python", "duckdb"},
            automation_condition=FOLLOW_INPUTS,
            description="Coefficients of every specification with clustered standard errors, confidence "
            "intervals, observations, clusters and within R²; estimated with linearmodels PanelOLS.",
        ),
    ],
    pool=WAREHOUSE_POOL,
)
def regression_tables(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    with warehouse.get_connection() as con:
        panel = con.execute(f"select * from {'.'.join(PANEL.path)} order by all").df()
        specs = regressions.specifications()
        spec_rows, results = regressions.run(panel, specs)
        context.log.info(f"estimated {len(specs)} specifications on {len(panel)} panel rows")
        with transaction(con):
            replace_rows(con, "analytics.regression_specs", SPEC_COLUMNS, spec_rows)
            replace_rows(con, "analytics.regression_results", RESULT_COLUMNS, results)
        for key in (SPECS_KEY, RESULTS_KEY):
            yield dg.MaterializeResult(asset_key=key, metadata=table_metadata(con, ".".join(key.path)))


@dg.asset(
    key=CLAIMS_KEY,
    deps=[SERVITIZATION, SPECS_KEY, RESULTS_KEY, PANEL],
    group_name="analysis",
    owners=["team:research"],
    automation_condition=FOLLOW_INPUTS,
    kinds={"python", "duckdb"},
    pool=WAREHOUSE_POOL,
    description="Findings 1-5 of the 2018 convergence study, each with the evidence computed here and a "
    "verdict (reproduced / not reproduced / not testable with this data) and its reason.",
)
def convergence_claims_ledger(warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.get_connection() as con:
        ledger = claims.convergence_claims(
            con.execute(f"select * from {'.'.join(SERVITIZATION.path)} where classification = 'wiod2013'").df(),
            con.execute("select * from analytics.regression_specs").df(),
            con.execute("select * from analytics.regression_results").df(),
            dict(
                con.execute(
                    f"select service_group, stddev_samp(conv_direct_lag) from {'.'.join(PANEL.path)} group by all"
                ).fetchall()
            ),
        )
        with transaction(con):
            replace_rows(con, "analytics.convergence_claims_ledger", CLAIM_COLUMNS, ledger)
        return dg.MaterializeResult(metadata=table_metadata(con, "analytics.convergence_claims_ledger"))


@dg.asset(
    key=["reports", "convergence_findings"],
    deps=[SERVITIZATION, SPECS_KEY, RESULTS_KEY, CLAIMS_KEY, INNOVATION_LEDGER],
    group_name="analysis",
    owners=["team:research"],
    automation_condition=FOLLOW_INPUTS,
    kinds={"html", "plotly"},
    pool=WAREHOUSE_POOL,
    description=f"warehouse/reports/{REPORT_FILE}: charts of the service-input share (Korea against its peers, "
    "the latest ranking), coefficient plots and the claims ledger, one self-contained HTML file.",
)
def findings_report(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    from dagster_project.analysis import report  # plotly: imported by this step only, not by the code location

    with warehouse.get_connection() as con:
        servitization = con.execute(
            f"select * from {'.'.join(SERVITIZATION.path)} where classification = 'wiod2013' and industry_code = 'MFG'"
        ).df()
        estimates = con.execute(
            """
            select r.*, s.service_group, s.conv_measure, s.finding, s.sample
            from analytics.regression_results r join analytics.regression_specs s using (spec_id)
            where s.dependent = 'va_proxy' and s.fixed_effects = 'country_industry+year'
            """
        ).df()
        ledger = pd.concat(
            [con.execute("select * from analytics.convergence_claims_ledger").df(), _innovation_claims(con)],
            ignore_index=True,
        )
    figures = [
        ("Korea against its peers", [report.share_over_time(servitization, g) for g in ("all_services", "business")]),
        ("Latest ranking", [report.latest_ranking(servitization)]),
        ("Regression coefficients", _coefficient_figures(estimates)),
    ]
    notes = [
        "WIOD 2013 has no separate computer services: post and telecommunications (c27) is the IT proxy.",
        "The value-added proxy is gross output minus intermediate inputs (the RData carries no value-added block).",
        "Verdict rules are in dagster_project/analysis/claims.py; significance level 5%.",
    ]
    target = warehouse.path.parent / "reports" / REPORT_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.write_text(report.render(figures, ledger, notes), encoding="utf-8")
    partial.replace(target)
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(target)),
            "claims": dg.MetadataValue.md(report.markdown_summary(ledger)),
            "verdicts": dg.MetadataValue.json(ledger["verdict"].value_counts().to_dict()),
        }
    )


def _coefficient_figures(estimates: pd.DataFrame) -> list:
    from dagster_project.analysis import report

    f2 = estimates.query("finding == 'f2' and sample == 'all_manufacturing' and term == 'conv'").assign(
        label=lambda d: d["service_group"] + " (" + d["conv_measure"] + ")"
    )
    f34 = estimates.query("finding in ('f3', 'f4') and conv_measure == 'direct' and sample != 'all_manufacturing'").assign(
        label=lambda d: d["finding"] + " " + d["sample"] + " " + d["service_group"] + ": " + d["term"]
    )
    return [
        report.coefficient_plot(f2, "Finding 2: effect of convergence on ln(value-added proxy), all manufacturing"),
        report.coefficient_plot(f34, "Findings 3-4: effects by technology level and country type (direct coefficients)"),
    ]


def _innovation_claims(con) -> pd.DataFrame:
    """The innovation-index study's ledger, when its mart exists, in the same columns."""
    exists = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'marts' and table_name = 'claims_ledger'"
    ).fetchone()[0]
    if not exists:
        return pd.DataFrame(columns=list(CLAIM_COLUMNS))
    return con.execute(
        "select claim_id, 'kita2021' as finding, claim, published_value::varchar as published_value, "
        "computed_value::varchar as computed_value, '' as evidence, verdict, reason from marts.claims_ledger"
    ).df()
