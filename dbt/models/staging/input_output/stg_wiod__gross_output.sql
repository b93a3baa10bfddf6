select
    classification,
    year,
    country_code,
    industry_code,
    gross_output_usd_m
from {{ source('raw', 'wiod_gross_output') }}
