select
    indicators.indicator_code,
    indicators.indicator_name,
    indicators.description,
    units.unit,
    units.is_bounded_share
from {{ source('raw', 'wdi_indicators') }} as indicators
left join {{ ref('wdi_indicator_units') }} as units using (indicator_code)
