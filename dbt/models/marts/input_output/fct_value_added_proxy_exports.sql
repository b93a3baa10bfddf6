{{ year_incremental_config() }}
{#-
  Value added embodied in each country's gross exports, by the country and industry where it is
  generated (TiVA-style origin of value added in gross exports): v(origin) x (L e_c)(origin), with
  e_c what country c's industries deliver to other countries, intermediate and final
  (intermediate.value_added_proxy_by_origin). The exporter's own rows are the domestic value
  added of its exports, the others the foreign value added. Value added is the PROXY gross
  output minus intermediate inputs (the WIOD 2013 RData has no value-added block); with the
  proxy a country's rows add up to its gross exports.
-#}
select
    classification,
    country_code,
    year,
    origin_country_code,
    origin_industry_code,
    origin_country_code <> country_code as is_foreign_origin,
    va_proxy_gross_exports_usd_m as va_proxy_usd_m
from {{ source('intermediate', 'value_added_proxy_by_origin') }}
where {{ in_run_years('year') }}
