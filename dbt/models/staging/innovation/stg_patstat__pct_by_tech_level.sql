{#-
  PATSTAT PCT applications by OECD technology level. Filing years after
  var('patstat_last_complete_year') (2013: the source says 2014-2015 are incomplete, and they
  hold 44 and 3 economies against ~90 before) are kept but flagged, and left out of shares.
  The source's country 'NA' is R's missing value (applications without an inventor country,
  not Namibia, which would be NAM): its country_iso3 is NULL and it is left out of shares.
-#}
select
    nullif(country_iso3, 'NA') as country_iso3,
    country_iso3 as country_code_as_published,
    year,
    case tech_level
        when 'High Tech' then 'high'
        when 'Medium-High Tech' then 'medium_high'
        when 'Medium-Low Tech' then 'medium_low'
        when 'Low Tech' then 'low'
    end as tech_level,
    tech_level as tech_level_label,
    pct_patent_count,
    year <= {{ var('patstat_last_complete_year', 2013) }} as is_complete_year
from {{ source('raw', 'patstat_pct_by_tech_level') }}
