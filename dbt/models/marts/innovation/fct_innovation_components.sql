{#-
  The four components of the manufacturing-innovation index (and the WIPO-field variant of
  the patent share) as observed, one row per economy and year, with the patent counts the
  shares are computed from.
-#}
{%- set components = [
    'rd_gdp_pct', 'hightech_export_share_pct', 'hightech_patent_share_pct', 'hightech_patent_share_wipo_pct', 'ict_idi'
] %}
with observed as (
    select * from {{ ref('int_innovation_component_values') }}
),

patents as (
    select * from {{ ref('int_patent_hightech_shares') }}
),

economy_years as (
    select
        country_iso3,
        year
    from observed
    union
    select
        country_iso3,
        year
    from patents
),

components as (
    select
        country_iso3,
        year,
    {%- for component in components %}
        max(value) filter (where component = '{{ component }}') as {{ component }}{{ "," if not loop.last }}
    {%- endfor %}
    from observed
    group by all
)

select
    economy_years.country_iso3,
    names.country_name,
    economy_years.year,
    {%- for component in components %}
        components.{{ component }},
    {%- endfor %}
    patstat.hightech_patents as hightech_patents_patstat,
    patstat.all_patents as manufacturing_patents_patstat,
    wipo.hightech_patents as hightech_patent_families_wipo,
    wipo.all_patents as patent_families_wipo
from economy_years
left join components using (country_iso3, year)
left join patents as patstat
    on patstat.definition = 'patstat'
        and patstat.country_iso3 = economy_years.country_iso3
        and patstat.year = economy_years.year
left join patents as wipo
    on wipo.definition = 'wipo_fields'
        and wipo.country_iso3 = economy_years.country_iso3
        and wipo.year = economy_years.year
left join {{ ref('int_economy_names') }} as names on names.country_iso3 = economy_years.country_iso3
