{{ year_incremental_config() }}
{#-
  The panel the convergence regressions are estimated on: one row per economy (the rest of
  the world excluded), manufacturing industry, year and service group, with last year's
  convergence (the regressors are lagged one year so that this year's production cannot
  have caused them) and the two country-type groups the study contrasts.
-#}
with servitization as (
    select *
    from {{ ref('fct_manufacturing_servitization') }}
    where industry_code <> 'MFG' and {{ in_run_years('year', lookback=1, lookahead=1) }}
),

accounts as (
    select
        facts.*,
        industries.broad_sector = 'manufacturing' as is_manufacturing
    from {{ ref('fct_country_industry_year') }} as facts
    inner join {{ ref('dim_industry') }} as industries using (classification, industry_code)
    where {{ in_run_years('facts.year', lookahead=1) }}
),

manufacturing_share as (
    select
        classification,
        country_code,
        year,
        {{ exact_sum('value_added_proxy_usd_m', where='is_manufacturing') }}
        / nullif({{ exact_sum('value_added_proxy_usd_m') }}, 0) as manufacturing_va_share
    from accounts
    inner join {{ ref('dim_country') }} as countries using (country_code)
    where not countries.is_rest_of_world
    group by all
),

orientation as (
    select
        *,
        manufacturing_va_share > median(manufacturing_va_share) over (partition by classification, year)
            as is_manufacturing_oriented
    from manufacturing_share
),

lagged as (
    select
        servitization.*,
        lag(servitization.direct_coeff_total) over history as conv_direct_lag,
        lag(servitization.leontief_total) over history as conv_leontief_lag,
        lag(servitization.year) over history as lag_year
    from servitization
    window history as (
        partition by classification, country_code, industry_code, service_group order by year
    )
)

select
    lagged.classification,
    lagged.country_code,
    countries.iso3 as country_iso3,
    lagged.industry_code,
    lagged.year,
    lagged.service_group,
    lagged.conv_direct_lag,
    lagged.conv_leontief_lag,
    case when accounts.value_added_proxy_usd_m > 0 then ln(accounts.value_added_proxy_usd_m) end
        as ln_value_added_proxy,
    case when accounts.gross_output_usd_m > 0 then ln(accounts.gross_output_usd_m) end as ln_gross_output,
    industries.technology_group = 'higher' as is_higher_tech,
    income.is_high_income,
    orientation.is_manufacturing_oriented,
    orientation.manufacturing_va_share
from lagged
inner join accounts using (classification, country_code, industry_code, year)
inner join {{ ref('dim_industry') }} as industries using (classification, industry_code)
inner join {{ ref('dim_country') }} as countries using (country_code)
inner join orientation using (classification, country_code, year)
left join {{ ref('stg_wb__income_group_history') }} as income
    on income.country_iso3 = countries.iso3 and income.year = lagged.year
where not countries.is_rest_of_world
    and lagged.lag_year = lagged.year - 1
    and {{ in_run_years('lagged.year', lookahead=1) }}
