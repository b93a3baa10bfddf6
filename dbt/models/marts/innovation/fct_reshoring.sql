{#-
  Reshoring (returning-firm, 'U-turn') counts by economy and period as published: the KITA
  2021 study and the MOTIE and FKI figures it is read with. Restated from the published
  figures, not measured: the data mirror holds no reshoring microdata. Counts of different
  publishers rest on different bases and need not add up (see source_note).
-#}
select
    figure_id,
    country_or_region,
    country_iso3,
    case when metric like '%_cumulative' then 'cumulative' else 'annual' end as count_basis,
    period_start,
    period_end,
    period_end - period_start + 1 as period_years,
    value as firms,
    value / (period_end - period_start + 1) as firms_per_year,
    publisher,
    source_url,
    source_note
from {{ ref('stg_kita2021__published_figures') }}
where unit = 'firms' and metric in ('reshoring_firms_count', 'reshoring_firms_cumulative')
