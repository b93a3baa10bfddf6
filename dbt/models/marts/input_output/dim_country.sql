select
    country_code,
    iso3,
    country_name,
    is_rest_of_world
from {{ ref('countries') }}
