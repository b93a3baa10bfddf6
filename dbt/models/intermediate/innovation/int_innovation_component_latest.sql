{#-
  For every reference year, each economy's latest value of each component at or before that
  year, the year it came from, and its world rank: its rank among all economies with a value
  at or before the reference year (1 = highest; ties share the lower rank, 1, 2, 2, 4).
-#}
with latest as (
    select
        years.reference_year,
        observed.component,
        observed.country_iso3,
        arg_max(observed.value, observed.year) as value,
        max(observed.year) as value_year
    from {{ ref('innovation_reference_years') }} as years
    inner join {{ ref('int_innovation_component_values') }} as observed
        on observed.year <= years.reference_year
    group by all
)

select
    reference_year,
    component,
    country_iso3,
    value,
    value_year,
    rank() over by_component as world_rank,
    count(*) over (partition by reference_year, component) as world_n
from latest
window by_component as (partition by reference_year, component order by value desc)
