{{ year_incremental_config() }}
{#-
  Intermediate purchases of each country-industry, by supplying industry and origin
  (domestic or imported). Service-group shares are sums over these rows, so any service
  classification keyed in the seeds can be applied without touching the flows again.
-#}
select
    classification,
    year,
    user_country_code as country_code,
    use_code as industry_code,
    supplier_industry_code as input_industry_code,
    coalesce({{ exact_sum('value_usd_m', where='is_domestic') }}, 0) as inputs_domestic_usd_m,
    coalesce({{ exact_sum('value_usd_m', where='not is_domestic') }}, 0) as inputs_imported_usd_m
from {{ ref('stg_wiod__flows') }}
where use_type = 'intermediate' and {{ in_run_years('year') }}
group by all
