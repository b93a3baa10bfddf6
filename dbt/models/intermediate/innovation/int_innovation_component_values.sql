{#-
  Every observed value of every innovation component, long: one row per component, economy
  and year, from the source the seed innovation_components names for it.
-#}
with wdi as (
    select
        case indicator_code
            when 'GB.XPD.RSDV.GD.ZS' then 'rd_gdp_pct'
            when 'TX.VAL.TECH.MF.ZS' then 'hightech_export_share_pct'
        end as component,
        country_iso3,
        year,
        value
    from {{ ref('stg_wdi__indicator_values') }}
    where indicator_code in ('GB.XPD.RSDV.GD.ZS', 'TX.VAL.TECH.MF.ZS')
),

patents as (
    select
        case definition
            when 'patstat' then 'hightech_patent_share_pct'
            when 'wipo_fields' then 'hightech_patent_share_wipo_pct'
        end as component,
        country_iso3,
        year,
        hightech_share_pct as value
    from {{ ref('int_patent_hightech_shares') }}
    where hightech_share_pct is not null
),

ict as (
    select
        'ict_idi' as component,
        country_iso3,
        year,
        ict_idi as value
    from {{ ref('stg_itu__idi_2017') }}
)

select
    component,
    country_iso3,
    year,
    value
from wdi
union all
select
    component,
    country_iso3,
    year,
    value
from patents
union all
select
    component,
    country_iso3,
    year,
    value
from ict
