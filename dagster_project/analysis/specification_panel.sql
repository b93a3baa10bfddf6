-- The panel every specification of the curves is drawn from (dagster_project/analysis/specification_curve.py):
-- one row per economy (the rest of the world excluded), WIOD 2013 industry (all 35), production year and
-- regressor group (the service groups and IT proxies the grid names), with the four convergence measures of
-- the year before, both dependent variables and the row's industry and country types.
--
-- marts.fct_convergence_panel holds the study's manufacturing rows and two measures only; the curve also
-- needs the input share, the domestic Leontief total, the other 21 industries and the c27+c30 proxy, so
-- this query rebuilds the same quantities from the layer below (the same inputs, sums and lag). The
-- country types of a year are taken from fct_convergence_panel, so both define them alike.
with groups as (
    select service_group as regressor_group, industry_code as member_industry_code
    from seeds.service_groups
    where classification = 'wiod2013'
        and service_group in (select choice from seeds.specification_choices where dimension = 'service_group')
    union all
    select it_proxy, industry_code
    from seeds.specification_it_proxies
),

accounts as (
    select facts.country_code, facts.industry_code, facts.year, facts.gross_output_usd_m,
        facts.intermediate_inputs_usd_m, facts.value_added_proxy_usd_m,
        industries.is_manufacturing, coalesce(industries.technology_group = 'higher', false) as is_higher_tech
    from marts.fct_country_industry_year as facts
    inner join marts.dim_industry as industries using (classification, industry_code)
    inner join marts.dim_country as countries using (country_code)
    where facts.classification = 'wiod2013' and not countries.is_rest_of_world
),

group_inputs as (
    select inputs.country_code, inputs.industry_code, inputs.year, groups.regressor_group,
        -- an exact decimal sum, rounded to a double once, as the marts sum (dbt/macros/exact_sum.sql):
        -- the same data gives the same bits on every build, whatever the order the threads add in
        sum((inputs.inputs_domestic_usd_m + inputs.inputs_imported_usd_m)::decimal(38, 18))::double
            as service_inputs_usd_m
    from intermediate.int_industry_inputs_by_supplier as inputs
    inner join groups on groups.member_industry_code = inputs.input_industry_code
    where inputs.classification = 'wiod2013'
    group by all
),

group_multipliers as (
    select multipliers.country_code, multipliers.industry_code, multipliers.year, groups.regressor_group,
        -- exact decimal sums likewise, of the values rounded to 15 decimals (Leontief entries are
        -- below 1000); ordered double sums take ~60x longer here
        sum(multipliers.leontief_total::decimal(18, 15))::double as leontief_total,
        sum(multipliers.leontief_domestic::decimal(18, 15))::double as leontief_domestic
    from intermediate.leontief_industry_multipliers as multipliers
    inner join groups on groups.member_industry_code = multipliers.input_industry_code
    where multipliers.classification = 'wiod2013'
    group by all
),

measures as (
    select accounts.*, regressors.regressor_group,
        coalesce(group_inputs.service_inputs_usd_m, 0) / nullif(accounts.intermediate_inputs_usd_m, 0) as input_share,
        coalesce(group_inputs.service_inputs_usd_m, 0) / nullif(accounts.gross_output_usd_m, 0) as direct,
        group_multipliers.leontief_total,
        group_multipliers.leontief_domestic
    from accounts
    cross join (select distinct regressor_group from groups) as regressors
    left join group_inputs using (country_code, industry_code, year, regressor_group)
    left join group_multipliers using (country_code, industry_code, year, regressor_group)
),

lagged as (
    select *,
        lag(input_share) over history as input_share_lag,
        lag(direct) over history as direct_lag,
        lag(leontief_total) over history as leontief_total_lag,
        lag(leontief_domestic) over history as leontief_domestic_lag,
        lag(year) over history as lag_year
    from measures
    window history as (partition by country_code, industry_code, regressor_group order by year)
),

country_types as (
    select distinct country_code, year, is_high_income, is_manufacturing_oriented
    from marts.fct_convergence_panel
    where classification = 'wiod2013'
)

select
    lagged.country_code,
    lagged.industry_code,
    lagged.year,
    lagged.regressor_group,
    lagged.input_share_lag as input_share,
    lagged.direct_lag as direct,
    lagged.leontief_total_lag as leontief_total,
    lagged.leontief_domestic_lag as leontief_domestic,
    case when lagged.value_added_proxy_usd_m > 0 then ln(lagged.value_added_proxy_usd_m) end as va_proxy,
    case when lagged.gross_output_usd_m > 0 then ln(lagged.gross_output_usd_m) end as gross_output,
    lagged.is_manufacturing,
    lagged.is_higher_tech,
    country_types.is_high_income,
    country_types.is_manufacturing_oriented
from lagged
inner join country_types using (country_code, year)
where lagged.lag_year = lagged.year - 1
order by lagged.country_code, lagged.industry_code, lagged.year, lagged.regressor_group
