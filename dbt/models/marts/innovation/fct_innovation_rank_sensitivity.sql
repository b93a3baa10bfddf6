{#-
  The innovation components' ranks under every cell of the declared grid (reference year x
  population x definition): one row per economy, component and cell the economy is ranked in,
  with its value, the year of the value, its rank and the number of economies ranked. The grid
  comes from seeds written before any rank was compared with a published one
  (innovation_reference_years, innovation_rank_populations, innovation_rank_definitions), and
  every cell is kept: a reader sees how far a rank moves with each choice.
-#}
select
    ranks.country_iso3,
    names.country_name,
    definitions.measure,
    ranks.component,
    definitions.definition,
    definitions.label as definition_label,
    ranks.reference_year,
    ranks.population,
    populations.label as population_label,
    populations.population_order,
    ranks.value,
    ranks.value_year,
    ranks.size_value,
    populations.indicator_code as size_indicator_code,
    ranks.rank_in_population,
    ranks.population_n
from {{ ref('int_innovation_rank_sensitivity') }} as ranks
inner join {{ ref('innovation_rank_definitions') }} as definitions using (component)
inner join {{ ref('innovation_rank_populations') }} as populations using (population)
left join {{ ref('int_economy_names') }} as names using (country_iso3)
