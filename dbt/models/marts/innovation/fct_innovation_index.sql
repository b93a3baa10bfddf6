{#-
  The manufacturing-innovation index: for every economy and reference year, each component's
  latest value at or before the reference year and the year it came from, its world rank
  (among every economy reporting it), and, for members of the default comparison set, its
  rank, min-max score and z-score within the set and the three composites with their ranks.
  Economies outside the set keep their values and world ranks, with NULL set scores.
-#}
{%- set components = [
    'rd_gdp_pct', 'hightech_export_share_pct', 'hightech_patent_share_pct', 'ict_idi', 'hightech_patent_share_wipo_pct'
] %}
with default_set as (
    select comparison_set from {{ ref('innovation_comparison_sets') }}
    where is_default
),

latest as (
    select * from {{ ref('int_innovation_component_latest') }}
),

scores as (
    select scores.*
    from {{ ref('int_innovation_index_scores') }} as scores
    inner join default_set using (comparison_set)
),

members as (
    select
        members.reference_year,
        members.country_iso3,
        count(*) over (partition by members.reference_year) as set_size
    from {{ ref('int_innovation_comparison_set_members') }} as members
    inner join default_set using (comparison_set)
),

composites as (
    select composites.*
    from {{ ref('int_innovation_composites') }} as composites
    inner join default_set using (comparison_set)
),

by_economy as (
    select
        latest.reference_year,
        latest.country_iso3,
    {%- for c in components %}
        max(latest.value) filter (where latest.component = '{{ c }}') as {{ c }},
        max(latest.value_year) filter (where latest.component = '{{ c }}') as {{ c }}_year,
        max(scores.rank_in_set) filter (where latest.component = '{{ c }}') as {{ c }}_rank,
        max(scores.minmax_score) filter (where latest.component = '{{ c }}') as {{ c }}_minmax,
        max(scores.z_score) filter (where latest.component = '{{ c }}') as {{ c }}_zscore,
        max(latest.world_rank) filter (where latest.component = '{{ c }}') as {{ c }}_world_rank,
        max(latest.world_n) filter (where latest.component = '{{ c }}') as {{ c }}_world_n{{ "," if not loop.last }}
    {%- endfor %}
    from latest
    left join scores using (reference_year, country_iso3, component)
    group by all
)

select
    by_economy.country_iso3,
    names.country_name,
    by_economy.reference_year,
    (select comparison_set from default_set) as comparison_set,
    members.country_iso3 is not null as in_comparison_set,
    max(members.set_size) over (partition by by_economy.reference_year) as comparison_set_size,
    {%- for c in components %}
        by_economy.{{ c }},
        by_economy.{{ c }}_year,
        by_economy.{{ c }}_rank,
        by_economy.{{ c }}_minmax,
        by_economy.{{ c }}_zscore,
        by_economy.{{ c }}_world_rank,
        by_economy.{{ c }}_world_n,
    {%- endfor %}
    composites.composite_minmax,
    composites.composite_minmax_rank,
    composites.composite_zscore,
    composites.composite_zscore_rank,
    composites.composite_mean_rank,
    composites.composite_rank_of_mean_rank
from by_economy
left join members using (reference_year, country_iso3)
left join composites using (reference_year, country_iso3)
left join {{ ref('int_economy_names') }} as names on names.country_iso3 = by_economy.country_iso3
