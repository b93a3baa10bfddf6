{#- One English name per ISO3 code, from the World Bank CLASS list, else UN M49, else ITU. -#}
with names as (
    select
        country_iso3,
        economy_name as country_name,
        1 as preference
    from {{ ref('stg_wb__country_classification') }}
    where not is_aggregate
    union all
    select
        country_iso3,
        country_name,
        2
    from {{ ref('stg_wdi__countries_unm49') }}
    union all
    select
        country_iso3,
        itu_country_name,
        3
    from {{ ref('stg_itu__idi_2017') }}
)

select
    country_iso3,
    arg_min(country_name, preference) as country_name
from names
group by country_iso3
