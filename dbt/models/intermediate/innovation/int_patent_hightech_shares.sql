{#-
  The high-tech share of patents under its two definitions, one row per definition,
  economy and year:
  * patstat: PCT applications mapped to OECD 'High Tech' manufacturing ÷ all applications
    mapped to manufacturing (complete filing years only);
  * wipo_fields: granted patent families in the high-tech WIPO fields of the seed
    wipo_high_tech_fields ÷ families in all fields (the sum over the 35 fields and
    'unassigned', so that numerator and denominator are counted alike), summed in field order
    so that fractional counts add up to the same bits in every build.
-#}
with patstat as (
    select
        'patstat' as definition,
        country_iso3,
        year,
        coalesce(sum(pct_patent_count) filter (where tech_level = 'high'), 0) as hightech_patents,
        sum(pct_patent_count) as all_patents
    from {{ ref('stg_patstat__pct_by_tech_level') }}
    where is_complete_year and country_iso3 is not null
    group by all
),

wipo_fields as (
    select
        'wipo_fields' as definition,
        families.country_iso3,
        families.year,
        coalesce(sum(families.patent_families order by wipo_field) filter (where fields.is_high_tech), 0) as hightech_patents,
        sum(families.patent_families order by wipo_field) as all_patents
    from {{ ref('stg_ncses__patent_families_by_wipo_field') }} as families
    inner join {{ ref('wipo_high_tech_fields') }} as fields using (wipo_field)
    where families.country_iso3 is not null
    group by all
)

select
    definition,
    country_iso3,
    year,
    hightech_patents,
    all_patents,
    100 * hightech_patents / nullif(all_patents, 0) as hightech_share_pct
from (
    select * from patstat
    union all
    select * from wipo_fields
)
