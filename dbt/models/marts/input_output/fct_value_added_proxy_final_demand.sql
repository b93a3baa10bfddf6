{{ year_incremental_config() }}
{#-
  Value added embodied in each country's final demand, by the country and industry where it is
  generated (TiVA-style origin of value added in final demand): v(origin) x (L f_c)(origin), with
  L = (I - A)^-1 the global Leontief inverse and f_c every final use of country c (all
  categories, from every supplier), solved in the input-output stage
  (intermediate.value_added_proxy_by_origin, one LU factorisation per year).
  Value added is the PROXY gross output minus intermediate inputs: the WIOD 2013 RData has no
  value-added block, so it also holds net product taxes and international margins. With the
  proxy a country's rows add up to its final demand.
-#}
select
    classification,
    country_code,
    year,
    origin_country_code,
    origin_industry_code,
    origin_country_code <> country_code as is_foreign_origin,
    va_proxy_final_demand_usd_m as va_proxy_usd_m,
    va_proxy_final_demand_domestic_products_usd_m as va_proxy_domestic_products_usd_m,
    va_proxy_final_demand_usd_m - va_proxy_final_demand_domestic_products_usd_m as va_proxy_imported_products_usd_m
from {{ source('intermediate', 'value_added_proxy_by_origin') }}
where {{ in_run_years('year') }}
