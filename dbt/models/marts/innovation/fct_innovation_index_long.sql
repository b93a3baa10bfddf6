{#-
  The innovation index in long form: one row per economy, reference year and component the
  economy reports (value not NULL), unpivoted from fct_innovation_index. The component list
  is not written here: every column of the wide mart is unpivoted and matched against
  `component || suffix` for the components of the seed innovation_components, so a component
  added to the seed (and to the wide mart) appears here without an edit. Values are not
  recomputed, only moved: ranks and years are cast back to the wide mart's integer types.
-#}
with wide as (
    select * from {{ ref('fct_innovation_index') }}
),

components as (
    select
        component,
        label,
        unit,
        min_value,
        max_value,
        is_index_component
    from {{ ref('innovation_components') }}
),

-- The per-component columns of the wide mart: <component><suffix>.
measures (suffix, measure) as (
    values
    ('', 'value'),
    ('_year', 'value_year'),
    ('_rank', 'comparison_set_rank'),
    ('_minmax', 'minmax_score'),
    ('_zscore', 'z_score'),
    ('_world_rank', 'world_rank'),
    ('_world_n', 'world_n')
),

-- Every numeric cell of the wide mart as (column name, value); NULL cells are dropped.
cells as (
    unpivot (
        select * exclude (country_name, comparison_set, in_comparison_set, comparison_set_size)
        from wide
    )
    on columns(* exclude (country_iso3, reference_year))
    into name column_name value cell_value
),

tidy as (
    select
        cells.country_iso3,
        cells.reference_year,
        components.component,
        max(cells.cell_value) filter (where measures.measure = 'value') as value,
        max(cells.cell_value) filter (where measures.measure = 'value_year') as value_year,
        max(cells.cell_value) filter (where measures.measure = 'comparison_set_rank') as comparison_set_rank,
        max(cells.cell_value) filter (where measures.measure = 'minmax_score') as minmax_score,
        max(cells.cell_value) filter (where measures.measure = 'z_score') as z_score,
        max(cells.cell_value) filter (where measures.measure = 'world_rank') as world_rank,
        max(cells.cell_value) filter (where measures.measure = 'world_n') as world_n
    from cells
    inner join components on true
    inner join measures on cells.column_name = components.component || measures.suffix
    group by all
)

select
    tidy.country_iso3,
    wide.country_name,
    tidy.reference_year,
    tidy.component,
    components.label as component_label,
    components.is_index_component,
    tidy.value,
    components.unit,
    case
        when components.unit like 'percent%' then 'percent'
        when components.unit = 'index 0-10' then 'index 0-10'
    end as unit_type,
    tidy.value_year::smallint as value_year,
    wide.comparison_set,
    wide.in_comparison_set,
    wide.comparison_set_size,
    tidy.comparison_set_rank::bigint as comparison_set_rank,
    tidy.minmax_score,
    tidy.z_score,
    tidy.world_rank::bigint as world_rank,
    tidy.world_n::bigint as world_n
from tidy
inner join wide using (country_iso3, reference_year)
inner join components using (component)
where tidy.value is not null
