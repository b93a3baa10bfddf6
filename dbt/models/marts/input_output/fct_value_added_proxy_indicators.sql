{{ year_incremental_config() }}
{#-
  TiVA-style value-added indicators of every economy and year, on the value-added PROXY (gross
  output minus intermediate inputs: the WIOD 2013 RData has no value-added block, so the proxy
  also holds net product taxes and international margins):
  * the foreign value-added share of domestic final demand: value added generated in other
    countries ÷ all value added embodied in the country's final demand (v L f_c); beside it the
    part of that share reaching final demand through the intermediate inputs of final products
    made at home (imported final products left out);
  * the foreign value-added share of gross exports (v L e_c);
  * the services value-added share of manufacturing gross exports (OECD servicification): value
    added of every service industry of the classification (service group all_services), from all
    origin countries, embodied in total manufacturing's gross exports.
  The final demand and gross exports as the flows record them stand beside the value added
  embodied in them: with the proxy the two are equal (v'L = 1').
-#}
with final_demand as (
    select
        classification,
        year,
        country_code,
        {{ exact_sum('va_proxy_usd_m') }} as va_proxy_final_demand_usd_m,
        coalesce({{ exact_sum('va_proxy_usd_m', where='is_foreign_origin') }}, 0) as foreign_va_proxy_final_demand_usd_m,
        coalesce({{ exact_sum('va_proxy_domestic_products_usd_m', where='is_foreign_origin') }}, 0)
            as foreign_va_proxy_domestic_products_usd_m
    from {{ ref('fct_value_added_proxy_final_demand') }}
    where {{ in_run_years('year') }}
    group by all
),

exports as (
    select
        classification,
        year,
        country_code,
        {{ exact_sum('va_proxy_usd_m') }} as va_proxy_gross_exports_usd_m,
        coalesce({{ exact_sum('va_proxy_usd_m', where='is_foreign_origin') }}, 0) as foreign_va_proxy_gross_exports_usd_m
    from {{ ref('fct_value_added_proxy_exports') }}
    where {{ in_run_years('year') }}
    group by all
),

final_uses as (
    select
        classification,
        year,
        user_country_code as country_code,
        {{ exact_sum('value_usd_m') }} as final_demand_usd_m
    from {{ ref('stg_wiod__flows') }}
    where use_type = 'final' and {{ in_run_years('year') }}
    group by all
),

sales_abroad as (
    select
        classification,
        year,
        supplier_country_code as country_code,
        {{ exact_sum('value_usd_m') }} as gross_exports_usd_m
    from {{ ref('stg_wiod__flows') }}
    where not is_domestic and {{ in_run_years('year') }}
    group by all
),

servicification as (
    select
        classification,
        year,
        country_code,
        gross_exports_usd_m as manufacturing_gross_exports_usd_m,
        services_va_proxy_usd_m as services_va_proxy_manufacturing_exports_usd_m,
        services_va_proxy_share as services_va_proxy_share_manufacturing_exports
    from {{ ref('fct_services_value_added_proxy_in_manufacturing_exports') }}
    where industry_code = 'MFG' and service_group = 'all_services' and {{ in_run_years('year') }}
)

select
    final_demand.classification,
    final_demand.country_code,
    final_demand.year,
    coalesce(final_uses.final_demand_usd_m, 0) as final_demand_usd_m,
    final_demand.va_proxy_final_demand_usd_m,
    final_demand.foreign_va_proxy_final_demand_usd_m,
    final_demand.foreign_va_proxy_final_demand_usd_m
    / nullif(final_demand.va_proxy_final_demand_usd_m, 0) as foreign_va_proxy_share_final_demand,
    final_demand.foreign_va_proxy_domestic_products_usd_m
    / nullif(final_demand.va_proxy_final_demand_usd_m, 0) as foreign_va_proxy_share_final_demand_via_domestic_products,
    coalesce(sales_abroad.gross_exports_usd_m, 0) as gross_exports_usd_m,
    exports.va_proxy_gross_exports_usd_m,
    exports.foreign_va_proxy_gross_exports_usd_m,
    exports.foreign_va_proxy_gross_exports_usd_m
    / nullif(exports.va_proxy_gross_exports_usd_m, 0) as foreign_va_proxy_share_gross_exports,
    servicification.manufacturing_gross_exports_usd_m,
    servicification.services_va_proxy_manufacturing_exports_usd_m,
    servicification.services_va_proxy_share_manufacturing_exports
from final_demand
left join exports using (classification, year, country_code)
left join final_uses using (classification, year, country_code)
left join sales_abroad using (classification, year, country_code)
left join servicification using (classification, year, country_code)
