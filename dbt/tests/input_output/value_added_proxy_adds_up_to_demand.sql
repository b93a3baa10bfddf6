{{ config(tags=['input_output']) }}
{#-
  With the value-added proxy v = 1 - column sum of A, v'L = 1': the value added embodied in an
  economy's final demand (and in its gross exports) adds up to that final demand (those exports)
  as the flows record them. A gap beyond rounding means the stage's solve and the flows disagree.
-#}
select
    classification,
    country_code,
    year,
    va_proxy_final_demand_usd_m,
    final_demand_usd_m,
    va_proxy_gross_exports_usd_m,
    gross_exports_usd_m
from {{ ref('fct_value_added_proxy_indicators') }}
where
    abs(va_proxy_final_demand_usd_m - final_demand_usd_m) > 1e-9 * abs(final_demand_usd_m) + 1e-6
    or abs(va_proxy_gross_exports_usd_m - gross_exports_usd_m) > 1e-9 * abs(gross_exports_usd_m) + 1e-6
