{{ year_incremental_config() }}
{#-
  Servicification of manufacturing exports (the OECD TiVA indicator "services value added in
  manufacturing gross exports"): for every manufacturing industry of every economy (and MFG,
  total manufacturing), its gross exports and the value added of each service group's
  industries, from every origin country, embodied in them:
  Σ over the group's industries i of (S v̂ L)[i, (c, j)] x e(c, j), with
  S v̂ L from the input-output stage (intermediate.value_added_proxy_multipliers) and e(c, j) the
  industry's sales to other countries (intermediate and final). Service groups are the
  service_groups seed; all_services is every service industry of the classification.
  Value added is the PROXY gross output minus intermediate inputs (the WIOD 2013 RData has no
  value-added block): it also holds net product taxes and international margins.
-#}
with manufacturing as (
    select
        classification,
        industry_code
    from {{ ref('dim_industry') }}
    where is_manufacturing
),

exports as (
    select
        flows.classification,
        flows.year,
        flows.supplier_country_code as country_code,
        flows.supplier_industry_code as industry_code,
        -- Exact sums: the same data gives the same bits, whatever DuckDB's parallelism.
        {{ exact_sum('flows.value_usd_m') }} as gross_exports_usd_m
    from {{ ref('stg_wiod__flows') }} as flows
    inner join manufacturing
        on manufacturing.classification = flows.classification
            and manufacturing.industry_code = flows.supplier_industry_code
    where not flows.is_domestic and {{ in_run_years('flows.year') }}
    group by all
),

-- Every manufacturing column of the stage's tables, with every service group of its classification.
manufacturing_columns as (
    select distinct
        content.classification,
        content.year,
        content.country_code,
        content.industry_code
    from {{ source('intermediate', 'value_added_proxy_multipliers') }} as content
    inner join manufacturing
        on manufacturing.classification = content.classification
            and manufacturing.industry_code = content.industry_code
    where {{ in_run_years('content.year') }}
),

service_groups as (
    select distinct
        classification,
        service_group
    from {{ ref('service_groups') }}
),

services_content as (
    select
        content.classification,
        content.year,
        content.country_code,
        content.industry_code,
        members.service_group,
        {{ exact_sum('content.va_proxy_per_unit_output', scale=30) }} as services_va_proxy_per_unit_output
    from {{ source('intermediate', 'value_added_proxy_multipliers') }} as content
    inner join manufacturing
        on manufacturing.classification = content.classification
            and manufacturing.industry_code = content.industry_code
    inner join {{ ref('service_groups') }} as members
        on members.classification = content.classification
            and members.industry_code = content.origin_industry_code
    where {{ in_run_years('content.year') }}
    group by all
),

by_industry as (
    select
        manufacturing_columns.classification,
        manufacturing_columns.year,
        manufacturing_columns.country_code,
        manufacturing_columns.industry_code,
        service_groups.service_group,
        coalesce(exports.gross_exports_usd_m, 0) as gross_exports_usd_m,
        coalesce(services_content.services_va_proxy_per_unit_output, 0) * coalesce(exports.gross_exports_usd_m, 0)
            as services_va_proxy_usd_m
    from manufacturing_columns
    inner join service_groups using (classification)
    left join services_content using (classification, year, country_code, industry_code, service_group)
    left join exports using (classification, year, country_code, industry_code)
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
        {{ exact_sum('gross_exports_usd_m') }},
        {{ exact_sum('services_va_proxy_usd_m') }}
    from by_industry
    group by classification, year, country_code, service_group
)

select
    classification,
    country_code,
    year,
    industry_code,
    service_group,
    gross_exports_usd_m,
    services_va_proxy_usd_m,
    services_va_proxy_usd_m / nullif(gross_exports_usd_m, 0) as services_va_proxy_share
from with_total_manufacturing
