{#-
  Every world-rank claim of the KITA 2021 study (test_method world_rank in the seed
  innovation_claims) under every cell of the declared grid: one row per claim, reference year
  and population, with the published rank, the rank computed in that cell and whether they are
  equal; and, on every row of a claim, the claim's summary: the cells where the published rank
  is reproduced ("reproduced under: ..." or "reproduced under none") and a verdict over the
  grid. The claim's definition is its component (the patent figure is claimed once per
  definition). Published ranks are only compared with, never used to choose a cell.
-#}
with claims as (
    select
        claims.claim_id,
        claims.figure_id,
        claims.claim_text as claim,
        claims.component,
        claims.reference_year as ledger_reference_year,
        published.country_iso3,
        published.value as published_rank
    from {{ ref('innovation_claims') }} as claims
    left join {{ ref('stg_kita2021__published_figures') }} as published using (figure_id)
    where claims.test_method = 'world_rank'
),

cells as (
    select
        years.reference_year,
        populations.population,
        populations.label as population_label,
        populations.population_order,
        populations.rule = 'all_reporting' as is_world_rank
    from {{ ref('innovation_reference_years') }} as years
    cross join {{ ref('innovation_rank_populations') }} as populations
),

per_cell as (
    select
        claims.*,
        definitions.measure,
        definitions.measure_label,
        definitions.definition,
        cells.reference_year,
        cells.population,
        cells.population_label,
        cells.population_order,
        cells.is_world_rank and cells.reference_year = claims.ledger_reference_year as is_ledger_cell,
        ranks.value,
        ranks.value_year,
        ranks.rank_in_population,
        ranks.population_n,
        ranks.rank_in_population = claims.published_rank as is_reproduced
    from claims
    inner join {{ ref('innovation_rank_definitions') }} as definitions using (component)
    cross join cells
    left join {{ ref('int_innovation_rank_sensitivity') }} as ranks
        on ranks.component = claims.component
            and ranks.country_iso3 = claims.country_iso3
            and ranks.reference_year = cells.reference_year
            and ranks.population = cells.population
),

summary as (
    select
        claim_id,
        count(*) as n_cells,
        count(rank_in_population) as n_cells_ranked,
        count(*) filter (where is_reproduced) as n_cells_reproduced,
        string_agg(
            format('{} {}', reference_year, population_label), '; ' order by reference_year, population_order
        ) filter (where is_reproduced) as cells_reproduced
    from per_cell
    group by claim_id
)

select
    per_cell.claim_id,
    per_cell.figure_id,
    per_cell.claim,
    per_cell.country_iso3,
    per_cell.measure,
    per_cell.measure_label,
    per_cell.component,
    per_cell.definition,
    per_cell.reference_year,
    per_cell.population,
    per_cell.population_label,
    per_cell.population_order,
    per_cell.is_ledger_cell,
    per_cell.published_rank,
    per_cell.value,
    per_cell.value_year,
    per_cell.rank_in_population,
    per_cell.population_n,
    per_cell.is_reproduced,
    summary.n_cells,
    summary.n_cells_ranked,
    summary.n_cells_reproduced,
    case
        when summary.n_cells_reproduced > 0 then 'reproduced under: ' || summary.cells_reproduced
        else 'reproduced under none'
    end as reproduced_under,
    case
        when per_cell.published_rank is null or summary.n_cells_ranked = 0 then 'not testable with this data'
        when summary.n_cells_reproduced = summary.n_cells_ranked then 'reproduced under every choice'
        when summary.n_cells_reproduced > 0 then 'reproduced under some choices'
        else 'reproduced under none'
    end as grid_verdict
from per_cell
inner join summary using (claim_id)
