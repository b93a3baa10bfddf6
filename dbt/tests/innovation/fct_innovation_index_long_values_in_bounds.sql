{{ config(tags=['innovation']) }}
{#- Rows of the long innovation index outside the bounds of their component, year or population. -#}
select long.country_iso3, long.reference_year, long.component
from {{ ref('fct_innovation_index_long') }} as long
inner join {{ ref('innovation_components') }} as components using (component)
where long.value < components.min_value
    or long.value > components.max_value
    or long.value_year > long.reference_year
    or long.world_rank > long.world_n
    or long.comparison_set_rank > long.comparison_set_size
    or (components.is_index_component and (long.comparison_set_rank is not null) <> long.in_comparison_set)
