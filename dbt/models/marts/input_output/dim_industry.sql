{#- One row per industry of each classification, with what the analyses group it by. -#}
with memberships as (
    select
        classification,
        industry_code,
        list(service_group order by service_group) as service_groups
    from {{ ref('service_groups') }}
    group by all
)

select
    industries.classification,
    industries.industry_code,
    industries.source_code,
    industries.industry_name,
    industries.broad_sector,
    industries.broad_sector = 'manufacturing' as is_manufacturing,
    technology.technology_level,
    technology.technology_group,
    coalesce(memberships.service_groups, []) as service_groups
from {{ ref('industries') }} as industries
left join {{ ref('industry_technology_levels') }} as technology using (classification, industry_code)
left join memberships using (classification, industry_code)
