{#-
  Each component's ranks under every cell of the declared grid: for every population of the
  seed innovation_rank_populations and every reference year, each member's latest value at or
  before the year and its rank among the members reporting the component (1 = highest; ties
  share the lower rank, as the world rank does). A size floor is met by the latest value of its
  WDI indicator at or before the reference year; an economy without that value is left out,
  not kept by default. Why: a published rank depends on who is ranked, and the study does not
  say; each defensible population is ranked, none is chosen.
-#}
with populations as (
    select * from {{ ref('innovation_rank_populations') }}
),

latest as (
    select * from {{ ref('int_innovation_component_latest') }}
),

floor_indicators as (
    select distinct indicator_code from populations
    where rule = 'size_floor'
),

economy_size as (
    select
        years.reference_year,
        observed.indicator_code,
        observed.country_iso3,
        arg_max(observed.value, observed.year) as size_value
    from {{ ref('innovation_reference_years') }} as years
    inner join {{ ref('stg_wdi__indicator_values') }} as observed
        on observed.year <= years.reference_year
    inner join floor_indicators using (indicator_code)
    where observed.value is not null
    group by all
),

members as (
    select
        populations.population,
        latest.reference_year,
        latest.component,
        latest.country_iso3,
        latest.value,
        latest.value_year,
        economy_size.size_value
    from populations
    cross join latest
    left join economy_size
        on economy_size.indicator_code = populations.indicator_code
            and economy_size.reference_year = latest.reference_year
            and economy_size.country_iso3 = latest.country_iso3
    left join {{ ref('int_innovation_comparison_set_members') }} as sets
        on sets.comparison_set = populations.comparison_set
            and sets.reference_year = latest.reference_year
            and sets.country_iso3 = latest.country_iso3
    where populations.rule = 'all_reporting'
        or (populations.rule = 'size_floor' and economy_size.size_value >= populations.min_value)
        or (populations.rule = 'comparison_set' and sets.country_iso3 is not null)
)

select
    population,
    reference_year,
    component,
    country_iso3,
    value,
    value_year,
    size_value,
    rank() over ranked as rank_in_population,
    count(*) over cell as population_n
from members
window
    cell as (partition by population, reference_year, component),
    ranked as (partition by population, reference_year, component order by value desc)
