{#- PCT applications by inventor location and WIPO technology area; regions mapped to ISO3 by the seed. -#}
select
    applications.table_id,
    applications.table_number,
    lower(applications.tech_area) as tech_area,
    applications.region_path,
    {{ ncses_region_name('applications.region') }} as region,
    regions.country_iso3,
    regions.region_type,
    applications.year,
    applications.value as pct_applications,
    applications.value_flag
from {{ source('raw', 'ncses_pct_applications_by_area') }} as applications
left join {{ ref('ncses_region_codes') }} as regions
    on regions.region = {{ ncses_region_name('applications.region') }}
