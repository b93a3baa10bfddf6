select
    country_code as country_iso3,
    country_name,
    region as un_m49_subregion
from {{ source('raw', 'wdi_countries_unm49') }}
