{{ year_incremental_config() }}
select
    classification,
    country_code,
    year,
    industry_code,
    gross_output_usd_m,
    intermediate_inputs_usd_m,
    gross_output_usd_m - intermediate_inputs_usd_m as value_added_proxy_usd_m,
    intermediate_sales_usd_m,
    final_sales_usd_m
from {{ ref('int_country_industry_accounts') }}
where {{ in_run_years('year') }}
