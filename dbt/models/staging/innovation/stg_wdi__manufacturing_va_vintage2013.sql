{#-
  Manufacturing value added (% of GDP) from the December 2013 WDI release, a different vintage
  from stg_wdi__indicator_values. Codes of 2013 are mapped to today's ISO3 (ROM -> ROU ...) and
  World Bank aggregates are flagged, from the current CLASS list and the seed of legacy codes.
-#}
with classified as (
    select
        vintage.*,
        coalesce(legacy.is_aggregate, class.is_aggregate) as is_aggregate,
        legacy.country_iso3 as legacy_iso3
    from {{ source('raw', 'wdi_manufacturing_va_vintage2013') }} as vintage
    left join {{ ref('wb_legacy_country_codes') }} as legacy on legacy.legacy_code = vintage.country_code
    left join {{ ref('stg_wb__country_classification') }} as class on class.country_iso3 = vintage.country_code
)

select
    country_code as wb_code_2013,
    case when not is_aggregate then coalesce(legacy_iso3, country_code) end as country_iso3,
    country_name,
    is_aggregate,
    year,
    value as manufacturing_va_pct_gdp,
    'WDI December 2013' as vintage
from classified
