{#-
  WDI values, tidy: one row per economy, indicator and year, with the indicator's name and
  unit beside the value so no reader has to guess what a number is measured in.
-#}
select
    observations.country_code as country_iso3,
    observations.indicator_code,
    indicators.indicator_name,
    observations.year,
    observations.value,
    units.unit,
    units.is_bounded_share
from {{ source('raw', 'wdi_indicator_values') }} as observations
left join {{ source('raw', 'wdi_indicators') }} as indicators using (indicator_code)
left join {{ ref('wdi_indicator_units') }} as units using (indicator_code)
