"""Columns and comments of the two specification-curve tables (analytics.specification_curve and
analytics.specification_curve_verdicts), which defs/analysis/assets.py writes as it writes the regression
tables: declared types, so the tables never take pandas' guesses, and a comment on every column."""

CURVE_TABLE, VERDICTS_TABLE = "analytics.specification_curve", "analytics.specification_curve_verdicts"

CURVE_COLUMNS = {
    "spec_id": "varchar not null",  # unique by construction (DuckLake has no key constraints)
    "claim_key": "varchar not null",
    "finding": "varchar not null",
    "service_group": "varchar",
    "it_proxy": "varchar",
    "conv_measure": "varchar not null",
    "dependent": "varchar not null",
    "industries": "varchar not null",
    "estimator": "varchar not null",
    "country_type": "varchar not null",
    "period": "varchar not null",
    "tested_term": "varchar not null",
    "expected_sign": "integer not null",
    "rival_group": "varchar",
    "estimate": "double",
    "std_err": "double",
    "t_stat": "double",
    "p_value": "double",
    "ci_low": "double",
    "ci_high": "double",
    "regressor_sd": "double",
    "effect_1sd": "double",
    "effect_1sd_low": "double",
    "effect_1sd_high": "double",
    "n_obs": "integer",
    "n_clusters": "integer",
    "inference": "varchar",
    "bootstrap_draws": "integer",
    "is_study_specification": "boolean not null",
    "is_mechanically_biased": "boolean not null",
    "bias_reason": "varchar",
    "outcome": "varchar not null",
}
CURVE_DESCRIPTION = (
    "Specification curves of findings 2-4 of the 2018 convergence study (Simonsohn, Simmons and Nelson 2020): one row "
    "per claim and combination of the choices declared in the seeds specification_claim_choices (convergence measure, "
    "dependent variable, industries, estimator and fixed effects, country type, period, service group or IT proxy), "
    "with the tested estimate, its inference, the mechanical-bias flag and the outcome. All specifications of a sample "
    "use the same complete-case rows of the country x industry x year panel; standard errors are clustered by country "
    "x industry, or replaced by the restricted wild cluster bootstrap when a sample has fewer clusters than "
    "seeds.specification_settings.small_cluster_threshold. Verdicts in analytics.specification_curve_verdicts."
)
CURVE_DESCRIPTIONS = {
    "spec_id": "Specification key: claim_key, then the choices in the order of the columns service_group .. period, "
    "joined by '__'.",
    "claim_key": "Claim tested (seeds.specification_claims.claim_key): f2_raised, f2_it_most, f3_service_high_income, "
    "f3_manufacturing_oriented, f4_korea_taiwan.",
    "finding": "Finding of the 2018 study, '2' to '4'.",
    "service_group": "Service group whose convergence is the regressor (all_services, kibs, telecom, finance, "
    "business); NULL where the claim varies the IT proxy instead.",
    "it_proxy": "IT proxy whose convergence is the regressor: it_c27 (post and telecom), it_c30 (business activities, "
    "holding computer services) or it_c27_c30; NULL where the claim varies the service group.",
    "conv_measure": "Convergence measure, previous year: input_share (service inputs / intermediate inputs), direct "
    "(service inputs / gross output), leontief_total or leontief_domestic (the group's rows of the Leontief inverse).",
    "dependent": "Dependent variable: va_proxy = ln(gross output - intermediate inputs), gross_output = ln(gross "
    "output).",
    "industries": "Industries in the sample: manufacturing (c3-c16) or all (c1-c35).",
    "estimator": "Fixed effects: within_year (country x industry and year), within_country_year (country x industry "
    "and country x year), pooled_country_year_industry (country x year and industry).",
    "country_type": "Economies in the sample, by the year's World Bank class and manufacturing orientation "
    "(seeds.specification_country_types).",
    "period": "Production years: 1996_2011 or 2000_2011 (regressors from the year before).",
    "tested_term": "What decides: conv (Conv(t-1)), conv_x_hightech (Conv(t-1) x HighTech) or it_minus_rival (the IT "
    "proxy's one-standard-deviation effect minus the rival group's).",
    "expected_sign": "The sign the claim predicts for the tested term: 1 or -1.",
    "rival_group": "For it_minus_rival: the service group compared with, the one with the smallest t statistic among "
    "the rivals sharing no industry with the proxy; NULL otherwise.",
    "estimate": "Estimated coefficient of the tested term (log points of the dependent per unit of the measure); for "
    "it_minus_rival the difference of one-standard-deviation effects (log points).",
    "std_err": "Clustered (CR1) standard error of estimate, clusters country x industry; unit of estimate.",
    "t_stat": "estimate / std_err.",
    "p_value": "Two-sided p-value of estimate = 0: from t with clusters - 1 degrees of freedom, or the wild cluster "
    "bootstrap's share of draws with |t*| >= |t| where inference says so; 0-1.",
    "ci_low": "Lower bound of the 95% interval of estimate: estimate - c x std_err, c the t quantile or the bootstrap's "
    "95th percentile of |t*|; unit of estimate.",
    "ci_high": "Upper bound of the 95% interval of estimate, as ci_low.",
    "regressor_sd": "Standard deviation of Conv(t-1) over the sample's rows, in the measure's unit; 1 for "
    "it_minus_rival, whose estimate is already per standard deviation.",
    "effect_1sd": "estimate x regressor_sd: the change in ln(dependent), log points, for one standard deviation of "
    "Conv(t-1) (for conv_x_hightech: the extra change in high-tech industries); comparable across measures.",
    "effect_1sd_low": "ci_low x regressor_sd.",
    "effect_1sd_high": "ci_high x regressor_sd.",
    "n_obs": "Country x industry x year rows of the sample (complete cases of every measure and both dependents).",
    "n_clusters": "Country x industry clusters of the sample.",
    "inference": "clustered, or 'wild cluster bootstrap (weights, draws)' for samples with fewer clusters than the "
    "threshold.",
    "bootstrap_draws": "Draws of the wild cluster bootstrap; NULL for clustered inference.",
    "is_study_specification": "True when every choice is the study's own (seeds.specification_claim_choices."
    "is_study_choice).",
    "is_mechanically_biased": "True when the dependent and the measure are tied by an accounting identity "
    "(seeds.specification_bias_rules): estimated and shown, not counted in the verdict.",
    "bias_reason": "The identity, in words; NULL when not biased.",
    "outcome": "supports (expected sign, p < the significance level), contradicts (opposite sign, p below it), "
    "inconclusive, 'excluded: mechanically biased' or 'not estimable' (no rows, or the regressor absorbed).",
}

VERDICT_COLUMNS = {
    "claim_key": "varchar not null",  # unique by construction (DuckLake has no key constraints)
    "claim_number": "integer not null",
    "finding": "varchar not null",
    "claim": "varchar not null",
    "tested_quantity": "varchar",
    "n_specifications": "integer not null",
    "n_counted": "integer not null",
    "n_mechanically_biased": "integer not null",
    "n_not_estimable": "integer not null",
    "n_supporting": "integer not null",
    "n_contradicting": "integer not null",
    "n_inconclusive": "integer not null",
    "share_supporting": "double",
    "share_contradicting": "double",
    "share_inconclusive": "double",
    "study_specifications": "varchar",
    "verdict": "varchar not null",
    "reason": "varchar not null",
    "rule": "varchar not null",
}
VERDICTS_DESCRIPTION = (
    "The verdict of each claim of findings 2-4 from its specification curve (analytics.specification_curve): how many "
    "specifications support it, contradict it or leave it open, and the declared rule (seeds.specification_settings) "
    "turning those shares into robust, fragile, contradicted or not testable. analytics.convergence_claims_ledger "
    "reports robust as reproduced, fragile and contradicted as not reproduced."
)
VERDICTS_DESCRIPTIONS = {
    "claim_key": "Claim (seeds.specification_claims.claim_key).",
    "claim_number": "Row of the claim in seeds.specification_claims: the order of the convergence claims ledger.",
    "finding": "Finding of the 2018 study, '2' to '4'.",
    "claim": "The claim in words, as the convergence claims ledger states it.",
    "tested_quantity": "What each specification estimates, in words.",
    "n_specifications": "Specifications of the claim's grid.",
    "n_counted": "Specifications the verdict counts: estimated and not mechanically biased.",
    "n_mechanically_biased": "Specifications left out as mechanically biased.",
    "n_not_estimable": "Specifications left out as not estimable.",
    "n_supporting": "Counted specifications with the expected sign, significant.",
    "n_contradicting": "Counted specifications with the opposite sign, significant.",
    "n_inconclusive": "Counted specifications not significant.",
    "share_supporting": "n_supporting / n_counted, 0-1; NULL when nothing is counted.",
    "share_contradicting": "n_contradicting / n_counted, 0-1; NULL when nothing is counted.",
    "share_inconclusive": "n_inconclusive / n_counted, 0-1; NULL when nothing is counted.",
    "study_specifications": "Outcomes of the study's own specifications on the curve, 'outcome: count; ...'.",
    "verdict": "robust, fragile, contradicted or not testable, by the rule.",
    "reason": "The verdict and the share it turned on, in words.",
    "rule": "The rule that gave the verdict, in words, with the thresholds of seeds.specification_settings.",
}
