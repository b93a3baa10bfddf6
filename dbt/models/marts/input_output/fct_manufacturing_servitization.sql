{{ year_incremental_config() }}
{#-
  How much each manufacturing industry relies on services: purchased service inputs
  (direct) and the services embodied through the whole supply chain (Leontief), per
  service group. Total manufacturing (MFG) is a ratio of sums for shares and
  coefficients, and a gross-output-weighted mean for the Leontief columns, so that it
  is the same measure applied to manufacturing as one industry.
-#}
with manufacturing as (
    select accounts.*
    from {{ ref('int_country_industry_accounts') }} as accounts
    inner join {{ ref('industries') }} as industries using (classification, industry_code)
    where industries.broad_sector = 'manufacturing' and {{ in_run_years('accounts.year') }}
),

service_groups as (
    select distinct
        classification,
        service_group
    from {{ ref('service_groups') }}
),

service_inputs as (
    select
        inputs.classification,
        inputs.year,
        inputs.country_code,
        inputs.industry_code,
        members.service_group,
        {{ exact_sum('inputs.inputs_domestic_usd_m') }} as service_inputs_domestic_usd_m,
        {{ exact_sum('inputs.inputs_imported_usd_m') }} as service_inputs_imported_usd_m
    from {{ ref('int_industry_inputs_by_supplier') }} as inputs
    inner join {{ ref('service_groups') }} as members
        on members.classification = inputs.classification
            and members.industry_code = inputs.input_industry_code
    where {{ in_run_years('inputs.year') }}
    group by all
),

multipliers as (
    select
        multipliers.classification,
        multipliers.year,
        multipliers.country_code,
        multipliers.industry_code,
        members.service_group,
        -- Exact sums: the same data gives the same bits, whatever DuckDB's parallelism.
        {{ exact_sum('multipliers.leontief_total', scale=30) }} as leontief_total,
        {{ exact_sum('multipliers.leontief_domestic', scale=30) }} as leontief_domestic
    from {{ source('intermediate', 'leontief_industry_multipliers') }} as multipliers
    inner join {{ ref('service_groups') }} as members
        on members.classification = multipliers.classification
            and members.industry_code = multipliers.input_industry_code
    where {{ in_run_years('multipliers.year') }}
    group by all
),

by_industry as (
    select
        manufacturing.classification,
        manufacturing.year,
        manufacturing.country_code,
        manufacturing.industry_code,
        service_groups.service_group,
        manufacturing.gross_output_usd_m,
        manufacturing.intermediate_inputs_usd_m,
        coalesce(service_inputs.service_inputs_domestic_usd_m, 0) as service_inputs_domestic_usd_m,
        coalesce(service_inputs.service_inputs_imported_usd_m, 0) as service_inputs_imported_usd_m,
        multipliers.leontief_total,
        multipliers.leontief_domestic
    from manufacturing
    inner join service_groups using (classification)
    left join service_inputs using (classification, year, country_code, industry_code, service_group)
    left join multipliers using (classification, year, country_code, industry_code, service_group)
),

with_total_manufacturing as (
    select * from by_industry
    union all
    select
        classification,
        year,
        country_code,
        'MFG' as industry_code,
        service_group,
        {{ exact_sum('gross_output_usd_m') }},
        {{ exact_sum('intermediate_inputs_usd_m') }},
        {{ exact_sum('service_inputs_domestic_usd_m') }},
        {{ exact_sum('service_inputs_imported_usd_m') }},
        {{ exact_sum('leontief_total * gross_output_usd_m') }} / nullif({{ exact_sum('gross_output_usd_m') }}, 0),
        {{ exact_sum('leontief_domestic * gross_output_usd_m') }} / nullif({{ exact_sum('gross_output_usd_m') }}, 0)
    from by_industry
    group by classification, year, country_code, service_group
)

select
    classification,
    country_code,
    year,
    industry_code,
    service_group,
    (service_inputs_domestic_usd_m + service_inputs_imported_usd_m)
    / nullif(intermediate_inputs_usd_m, 0) as input_share_total,
    service_inputs_domestic_usd_m / nullif(intermediate_inputs_usd_m, 0) as input_share_domestic,
    service_inputs_imported_usd_m / nullif(intermediate_inputs_usd_m, 0) as input_share_imported,
    (service_inputs_domestic_usd_m + service_inputs_imported_usd_m)
    / nullif(gross_output_usd_m, 0) as direct_coeff_total,
    service_inputs_domestic_usd_m / nullif(gross_output_usd_m, 0) as direct_coeff_domestic,
    service_inputs_imported_usd_m / nullif(gross_output_usd_m, 0) as direct_coeff_imported,
    leontief_total,
    leontief_domestic,
    service_inputs_domestic_usd_m + service_inputs_imported_usd_m as service_inputs_usd_m,
    intermediate_inputs_usd_m,
    gross_output_usd_m
from with_total_manufacturing
