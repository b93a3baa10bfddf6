{#-
  Levels of NCSES table 10937 (GERD, GDP, GERD/GDP) by economy and year; the growth-rate rows
  (CAGR between the level years) are left out, being derivable from the levels. A country
  written with a year, 'Russia (2020)', has that year's data in the latest column (2021a).
-#}
with levels as (
    select
        gerd.*,
        {{ ncses_region_name('gerd.country') }} as country_name,
        regexp_extract(gerd.country, '\((\d{4})\)', 1) as latest_year_override
    from {{ source('raw', 'ncses_gerd_gdp_selected_countries') }} as gerd
    where gerd.measure in ('GERD', 'GDP', 'GERD-to-GDP ratio (%)')
)

select
    levels.country_name as country,
    regions.country_iso3,
    case levels.measure
        when 'GERD' then 'gerd_ppp_usd_bn'
        when 'GDP' then 'gdp_ppp_usd_bn'
        else 'gerd_gdp_pct'
    end as measure,
    cast(
        case
            when levels.period_or_sub like '%a' and levels.latest_year_override <> ''
                then levels.latest_year_override
            else left(levels.period_or_sub, 4)
        end as smallint
    ) as year,
    levels.period_or_sub as period_as_published,
    levels.value
from levels
left join {{ ref('ncses_region_codes') }} as regions on regions.region = levels.country_name
