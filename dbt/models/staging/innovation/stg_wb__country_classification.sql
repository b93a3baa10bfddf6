{#- World Bank CLASS (July 2022): economies have a region, aggregates (WLD, HIC ...) do not. -#}
select
    country_code as country_iso3,
    economy as economy_name,
    region,
    income_group,
    lending_category,
    coalesce(other_emu_hipc = 'EMU', false) as is_emu,
    coalesce(other_emu_hipc = 'HIPC', false) as is_hipc,
    region is null as is_aggregate
from {{ source('raw', 'wb_country_classification') }}
