{#- Granted patent families by inventor economy and WIPO field; regions mapped to ISO3 by the seed. -#}
select
    families.table_id,
    families.table_number,
    families.wipo_field,
    families.region_path,
    {{ ncses_region_name('families.region') }} as region,
    regions.country_iso3,
    regions.region_type,
    families.income_level,
    families.year,
    families.value as patent_families,
    families.value_flag
from {{ source('raw', 'ncses_patent_families_by_wipo_field') }} as families
left join {{ ref('ncses_region_codes') }} as regions
    on regions.region = {{ ncses_region_name('families.region') }}
