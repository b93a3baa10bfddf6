{#- NCSES region names carry footnote marks (<sup>a</sup>) and stray spaces ('Russia '):
    the name the seed ncses_region_codes is keyed by. -#}
{% macro ncses_region_name(column) -%}
    trim(regexp_replace({{ column }}, '<sup>[^<]*</sup>', '', 'g'))
{%- endmacro %}

{#-
  The two NCSES KTI tables share one layout: value-added rows, and trade rows whose path
  starts with 'Exports ->' or 'Imports ->' under a heading row of that name (no value).
  Values are converted to millions of US dollars with the multiplier the seed
  ncses_kti_tables records for the table (1000 for table 6234, published in billions).
-#}
{% macro ncses_kti_staging(source_table) %}
with kti_rows as (
    select
        kti.*,
        {{ ncses_region_name('kti.region') }} as region_name,
        case
            when kti.region_path like 'Exports ->%' then 'exports'
            when kti.region_path like 'Imports ->%' then 'imports'
        end as trade_flow
    from {{ source('raw', source_table) }} as kti
    where kti.region_path not in ('Exports', 'Imports')
)

select
    kti_rows.table_id,
    kti_rows.table_number,
    tables.measure,
    tables.industry_group,
    coalesce(kti_rows.trade_flow, 'value_added') as flow,
    kti_rows.region_path,
    kti_rows.region_name as region,
    regions.country_iso3,
    regions.region_type,
    kti_rows.year,
    kti_rows.value * tables.multiplier_to_usd_m as value_usd_m,
    kti_rows.value as value_as_published,
    kti_rows.units as units_as_published,
    tables.multiplier_to_usd_m,
    kti_rows.value_flag
from kti_rows
left join {{ ref('ncses_kti_tables') }} as tables using (table_id)
left join {{ ref('ncses_region_codes') }} as regions on regions.region = kti_rows.region_name
{% endmacro %}
