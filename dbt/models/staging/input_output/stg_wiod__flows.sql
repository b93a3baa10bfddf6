{#- Names say which side of the table a code is on; is_domestic is what every share splits on. -#}
select
    classification,
    year,
    row_country as supplier_country_code,
    row_industry as supplier_industry_code,
    col_country as user_country_code,
    col_use as use_code,
    use_type,
    row_country = col_country as is_domestic,
    value_usd_m
from {{ source('raw', 'wiod_flows') }}
