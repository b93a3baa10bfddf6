"""Regression tables, the convergence claims ledger and the findings report (group `analysis`).

They read only marts that dbt tests and the raw blocking checks gate: when any of those
fails, these assets do not run and the last good tables and report stay in place.
"""

import dagster as dg
import pandas as pd

from dagster_project.analysis import claims, curve_tables, regressions, specification_curve
from dagster_project.defs.automation.propagation import FOLLOW_INPUTS
from dagster_project.defs.metadata import column_schema, step_worker, table_metadata
from dagster_project.defs.resources import WarehouseResource
from dagster_project.storage.files import atomic_write
from dagster_project.storage.lake import transactions
from dagster_project.storage.tables import replace_rows

PANEL = dg.AssetKey(["marts", "fct_convergence_panel"])
SERVITIZATION = dg.AssetKey(["marts", "fct_manufacturing_servitization"])
INNOVATION_LEDGER = dg.AssetKey(["marts", "claims_ledger"])
RANK_SENSITIVITY = dg.AssetKey(["marts", "claims_rank_sensitivity"])
INNOVATION_INDEX = dg.AssetKey(["marts", "fct_innovation_index"])
COUNTRIES = dg.AssetKey(["marts", "dim_country"])
SPECS_KEY = dg.AssetKey(["analytics", "regression_specs"])
RESULTS_KEY = dg.AssetKey(["analytics", "regression_results"])
CURVE_KEY = dg.AssetKey(["analytics", "specification_curve"])
CURVE_VERDICTS_KEY = dg.AssetKey(["analytics", "specification_curve_verdicts"])
# What the specification panel query (analysis/specification_panel.sql) and the grid read.
CURVE_SEEDS = (
    "specification_choices", "specification_claims", "specification_claim_choices", "specification_country_types",
    "specification_it_proxies", "specification_bias_rules", "specification_settings", "service_groups",
)
CURVE_INPUTS = [
    PANEL,
    dg.AssetKey(["marts", "fct_country_industry_year"]),
    dg.AssetKey(["marts", "dim_industry"]),
    COUNTRIES,
    dg.AssetKey(["intermediate", "int_industry_inputs_by_supplier"]),
    dg.AssetKey(["intermediate", "leontief_industry_multipliers"]),
    *(dg.AssetKey(["seeds", name]) for name in CURVE_SEEDS),
]
CLAIMS_KEY = dg.AssetKey(["analytics", "convergence_claims_ledger"])
REPORT_FILE = "convergence_findings.html"

SPEC_COLUMNS = {
    "spec_id": "varchar not null",  # unique: regressions.specifications() (DuckLake has no key constraints)
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
    "claim_id": "varchar not null",  # unique: claims.convergence_claims() (DuckLake has no key constraints)
    "finding": "varchar not null",
    "claim": "varchar not null",
    "published_value": "varchar",
    "computed_value": "varchar",
    "evidence": "varchar",
    "verdict": "varchar not null",
    "reason": "varchar not null",
}


# Table and column comments of the three tables written here (dbt's persist_docs comments the
# dbt-made ones); set inside the writing transaction, and copied into the published snapshot.
SPEC_DESCRIPTION = (
    "One row per panel regression estimated for findings 2-4 of the 2018 convergence study (linearmodels "
    "PanelOLS on marts.fct_convergence_panel): ln(Y) = b*Conv(t-1) + g*Conv(t-1)*HighTech + d*Conv(t-1)*HighTech*Group "
    "+ fixed effects. Coefficients are in analytics.regression_results (join on spec_id)."
)
SPEC_DESCRIPTIONS = {
    "spec_id": "Specification key: finding__service_group__conv_measure__dependent__sample[__group_definition]"
    "__fixed_effects ('+' written as '_').",
    "finding": "Finding of the 2018 study tested: f2 (convergence raises production), f3 (by technology level and "
    "country type), f4 (Korea and Taiwan).",
    "service_group": "Service group whose convergence is the regressor: all_services, business, telecom (post and "
    "telecommunications, the IT proxy of WIOD 2013), finance, kibs (telecom + finance + business).",
    "conv_measure": "Convergence measure Conv, lagged one year: direct = the service group's inputs / gross output "
    "(direct coefficient, a fraction 0-1); leontief = sum of the service group's rows of the Leontief inverse "
    "(I-A)^-1 (output per unit of final demand).",
    "dependent": "Dependent variable Y, in natural logs: va_proxy = value-added proxy (gross output minus "
    "intermediate inputs, USD million); gross_output = gross output (USD million), a robustness check.",
    "sample": "Rows estimated on: all_manufacturing, higher_tech or lower_tech (OECD technology level), high_income "
    "(World Bank, in that year), manufacturing_oriented (manufacturing share of the value-added proxy above the "
    "year's median) or korea_taiwan; words in sample_description.",
    "group_definition": "Country type Group of the Conv x Group terms: high_income or manufacturing_oriented "
    "(1 in the years an economy is of that type); NULL when the specification has no Group term.",
    "fixed_effects": "Fixed effects absorbed: country_industry+year, country_industry+country_year or "
    "country_industry+industry_year.",
    "terms": "Regressors, comma-separated: conv = Conv(t-1); conv_x_hightech = Conv(t-1) x HighTech (1 for high- "
    "and medium-high-tech industries); conv_x_group = Conv(t-1) x Group; conv_x_hightech_x_group = all three.",
    "formula": "The specification written out: ln(dependent) ~ terms + FE[fixed effects]; Conv = service group "
    "and measure; Group = group definition.",
    "sample_description": "The sample in words.",
    "fixed_effects_description": "The fixed effects in words.",
    "clustering": "Clusters of the standard errors: country x industry (the panel entity).",
}
RESULT_DESCRIPTION = (
    "Estimates of every specification of analytics.regression_specs, one row per specification and term: "
    "coefficient, standard error clustered by country x industry, t statistic, p-value, 95% interval, "
    "observations, clusters and within R-squared (linearmodels PanelOLS)."
)
RESULT_DESCRIPTIONS = {
    "spec_id": "Specification estimated (analytics.regression_specs.spec_id).",
    "term": "Regressor: conv, conv_x_hightech, conv_x_group or conv_x_hightech_x_group (see regression_specs.terms).",
    "coef": "Estimated coefficient: change in ln(dependent) per unit of the regressor. With the direct measure Conv "
    "is a fraction (0-1), so coef/100 is the log change per percentage point of the share (about coef percent).",
    "std_err": "Standard error of coef, clustered by country x industry; same unit as coef.",
    "t_stat": "coef / std_err (dimensionless).",
    "p_value": "Two-sided p-value of coef = 0 from the clustered standard error (normal approximation), 0-1.",
    "ci_low": "Lower bound of the 95% confidence interval of coef (clustered standard error); unit of coef.",
    "ci_high": "Upper bound of the 95% confidence interval of coef (clustered standard error); unit of coef.",
    "n_obs": "Observations used: country x industry x year rows with the dependent and every regressor present.",
    "n_clusters": "Country x industry entities in the fit, which are the clusters of the standard errors.",
    "r2_within": "R-squared within entities: share of the within-country-x-industry variation of ln(dependent) "
    "explained, 0-1; the same on every term row of a specification.",
}
CLAIM_DESCRIPTION = (
    "Findings 1-5 of the 2018 convergence study, each tested on this warehouse: the claim, the value computed "
    "here, the evidence, a verdict (reproduced / not reproduced / not testable with this data) and its reason. "
    "Findings 2-4 are judged on their specification curves (analytics.specification_curve_verdicts: robust is "
    "reproduced, fragile or contradicted not reproduced); rules in dagster_project/analysis/claims.py."
)
CLAIM_DESCRIPTIONS = {
    "claim_id": "Claim key: kiet2018_f<finding>_<n>, n numbering the ledger's rows in order.",
    "finding": "Finding of the 2018 study, '1' to '5'.",
    "claim": "The study's claim in words.",
    "published_value": "The study's figure for the claim, as text; empty: the study states findings 1-5 without "
    "figures.",
    "computed_value": "What the verdict rests on, as text: changes of shares as fractions with 4 decimals and the "
    "number of economies where the share rose; Korea's rank ('rank r of n'); the service groups with a positive "
    "significant effect; the group with the largest one-standard-deviation effect; coefficients with 3 decimals.",
    "evidence": "The numbers behind the verdict: service shares (fractions of intermediate inputs), ranks, "
    "coefficients (b) with p-values and one-standard-deviation effects (log points).",
    "verdict": "reproduced, not reproduced, or not testable with this data.",
    "reason": "One-line reason for the verdict.",
}


def comment_on(con, table: str, description: str, columns: dict[str, str]) -> None:
    """COMMENT ON the table and each column (single quotes doubled); call inside the writing transaction."""

    def literal(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    con.execute(f"comment on table {table} is {literal(description)}")
    for column, text in columns.items():
        con.execute(f'comment on column {table}."{column}" is {literal(text)}')


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
        dg.AssetSpec(
            CURVE_KEY, deps=CURVE_INPUTS, group_name="analysis", owners=["team:research"], kinds={"python", "duckdb"},
            automation_condition=FOLLOW_INPUTS,
            description="Specification curves of findings 2-4: every combination of the choices declared in the "
            "specification seeds, with its estimate, clustered or wild-bootstrap inference, mechanical-bias flag "
            "and outcome (supports, contradicts, inconclusive).",
        ),
        dg.AssetSpec(
            CURVE_VERDICTS_KEY, deps=CURVE_INPUTS, group_name="analysis", owners=["team:research"],
            kinds={"python", "duckdb"}, automation_condition=FOLLOW_INPUTS,
            description="Per claim of findings 2-4: the shares of its specifications that support, contradict or "
            "leave it open, and the verdict (robust, fragile, contradicted, not testable) by the declared rule.",
        ),
    ],
)
def regression_tables(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    with warehouse.get_connection() as con:
        panel = con.execute(f"select * from {'.'.join(PANEL.path)} order by all").df()
        specs = regressions.specifications()
        spec_rows, results = regressions.run(panel, specs)
        context.log.info(f"estimated {len(specs)} specifications on {len(panel)} panel rows")
        grid = _curve_grid(con)
        curve = specification_curve.estimate(
            specification_curve.wide_panel(con.execute(specification_curve.PANEL_QUERY.read_text()).df()), grid
        )
        verdicts = specification_curve.verdicts(curve, grid)
        context.log.info(f"estimated the specification curves: {len(curve)} specifications of {len(verdicts)} claims")
        for attempt in transactions(con):
            with attempt:
                replace_rows(con, "analytics.regression_specs", SPEC_COLUMNS, spec_rows)
                comment_on(con, "analytics.regression_specs", SPEC_DESCRIPTION, SPEC_DESCRIPTIONS)
                replace_rows(con, "analytics.regression_results", RESULT_COLUMNS, results)
                comment_on(con, "analytics.regression_results", RESULT_DESCRIPTION, RESULT_DESCRIPTIONS)
                for table, columns, frame, description, descriptions in (
                    (curve_tables.CURVE_TABLE, curve_tables.CURVE_COLUMNS, curve, curve_tables.CURVE_DESCRIPTION,
                     curve_tables.CURVE_DESCRIPTIONS),
                    (curve_tables.VERDICTS_TABLE, curve_tables.VERDICT_COLUMNS, verdicts,
                     curve_tables.VERDICTS_DESCRIPTION, curve_tables.VERDICTS_DESCRIPTIONS),
                ):
                    replace_rows(con, table, columns, frame)
                    comment_on(con, table, description, descriptions)
        for key, columns, descriptions in (
            (SPECS_KEY, SPEC_COLUMNS, SPEC_DESCRIPTIONS), (RESULTS_KEY, RESULT_COLUMNS, RESULT_DESCRIPTIONS),
            (CURVE_KEY, curve_tables.CURVE_COLUMNS, curve_tables.CURVE_DESCRIPTIONS),
            (CURVE_VERDICTS_KEY, curve_tables.VERDICT_COLUMNS, curve_tables.VERDICTS_DESCRIPTIONS),
        ):
            yield dg.MaterializeResult(
                asset_key=key,
                metadata={
                    **table_metadata(con, ".".join(key.path)),
                    "dagster/column_schema": column_schema(columns, descriptions),
                },
            )


def _curve_grid(con) -> specification_curve.Grid:
    """The specification grid from its seeds (dbt/seeds/analysis, and the service groups)."""
    seeds = {name: con.execute(f"select * from seeds.{name}").df() for name in CURVE_SEEDS}
    return specification_curve.Grid.from_tables(
        claims=seeds["specification_claims"], claim_choices=seeds["specification_claim_choices"],
        country_types=seeds["specification_country_types"], bias_rules=seeds["specification_bias_rules"],
        settings=seeds["specification_settings"],
        service_groups=seeds["service_groups"].query("classification == 'wiod2013'"),
        it_proxies=seeds["specification_it_proxies"],
    )


@dg.asset(
    key=CLAIMS_KEY,
    deps=[SERVITIZATION, SPECS_KEY, RESULTS_KEY, PANEL, CURVE_VERDICTS_KEY],
    group_name="analysis",
    owners=["team:research"],
    automation_condition=FOLLOW_INPUTS,
    kinds={"python", "duckdb"},
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
                    # ordered: the same panel gives the same bits whatever the order DuckDB's threads add in
                    f"select service_group, stddev_samp(conv_direct_lag order by country_code, industry_code, year) "
                    f"from {'.'.join(PANEL.path)} group by all"
                ).fetchall()
            ),
            con.execute(f"select * from {curve_tables.VERDICTS_TABLE} order by claim_number").df(),
        )
        for attempt in transactions(con):
            with attempt:
                replace_rows(con, "analytics.convergence_claims_ledger", CLAIM_COLUMNS, ledger)
                comment_on(con, "analytics.convergence_claims_ledger", CLAIM_DESCRIPTION, CLAIM_DESCRIPTIONS)
        return dg.MaterializeResult(
            metadata={
                **table_metadata(con, "analytics.convergence_claims_ledger"),
                "dagster/column_schema": column_schema(CLAIM_COLUMNS, CLAIM_DESCRIPTIONS),
            }
        )


@dg.asset(
    key=["reports", "convergence_findings"],
    deps=[
        SERVITIZATION, CURVE_KEY, CURVE_VERDICTS_KEY, CLAIMS_KEY, INNOVATION_LEDGER, INNOVATION_INDEX, RANK_SENSITIVITY,
        COUNTRIES,
    ],
    group_name="analysis",
    owners=["team:research"],
    automation_condition=FOLLOW_INPUTS,
    kinds={"html", "plotly"},
    description=f"warehouse/reports/{REPORT_FILE}: a summary of what holds, what does not and what cannot be "
    "tested; per study and finding its charts (service-input shares of Korea and its peers, the latest ranking, "
    "a specification curve per testable claim of findings 2-4, the innovation index, the rank claims under every "
    "declared choice) and evidence; the full claims ledger, sortable and filterable. "
    "One self-contained HTML file.",
)
def findings_report(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    from dagster_project.analysis import (
        report,  # plotly, jinja2: imported by this step only, not by the code location
    )

    with warehouse.get_connection() as con:
        data = report.ReportData(
            servitization=con.execute(
                f"select * from {'.'.join(SERVITIZATION.path)} where classification = 'wiod2013' and industry_code = 'MFG'"
            ).df(),
            curve=con.execute(f"select * from {curve_tables.CURVE_TABLE}").df(),
            curve_verdicts=con.execute(f"select * from {curve_tables.VERDICTS_TABLE}").df(),
            convergence_ledger=con.execute("select * from analytics.convergence_claims_ledger").df(),
            innovation_ledger=_optional_table(con, "marts", "claims_ledger"),
            innovation_index=_optional_table(con, "marts", "fct_innovation_index"),
            rank_sensitivity=_optional_table(con, "marts", "claims_rank_sensitivity"),
            country_names=_country_names(con),
        )
    notes = [
        "WIOD 2013 has no separate computer services: post and telecommunications (c27) is the IT proxy.",
        "The value-added proxy is gross output minus intermediate inputs (the RData carries no value-added block).",
        (
            "Verdict rules are in dagster_project/analysis/claims.py (findings 2-4: their specification curves, with "
            "the thresholds of dbt/seeds/analysis/specification_settings.csv) and "
            "dbt/models/marts/innovation/claims_ledger.sql (ranks exactly, growth rates within 0.5 percentage points)."
        ),
        "World Bank WDI values are of the ~2025 vintage, revised since the KITA 2021 study; Taiwan is not in WDI.",
    ]
    rows = report.ledger_rows(data)
    target = warehouse.path / "reports" / REPORT_FILE
    with atomic_write(target) as out:
        out.write(report.render(data, notes).encode("utf-8"))
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(target)),
            # On Celery workers of several machines the file is in the folder of the one named here.
            **step_worker(),
            "claims": dg.MetadataValue.md(report.markdown_summary(rows)),
            "verdicts": dg.MetadataValue.json(pd.Series([r["verdict"] for r in rows]).value_counts().to_dict()),
        }
    )


def _optional_table(con, schema: str, table: str) -> pd.DataFrame:
    """A dbt mart the report shows when it exists (an empty frame otherwise)."""
    exists = con.execute(
        "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?", [schema, table]
    ).fetchone()[0]
    return con.execute(f"select * from {schema}.{table}").df() if exists else pd.DataFrame()


def _country_names(con) -> dict[str, str]:
    """Country names by code: WIOD's dim_country, and the innovation index's names."""
    names: dict[str, str] = {}
    for schema, table, code, name in (
        ("marts", "fct_innovation_index", "country_iso3", "country_name"),
        ("marts", "dim_country", "country_code", "country_name"),
    ):
        frame = _optional_table(con, schema, table)
        if not frame.empty:
            names.update({c: n for c, n in zip(frame[code], frame[name]) if isinstance(n, str) and n})
    return names
