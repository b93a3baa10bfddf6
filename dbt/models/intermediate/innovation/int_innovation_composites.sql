{#-
  The three composite indices of every member of every comparison set and reference year, and
  their ranks: the mean of the four min-max scores and the mean of the four z-scores (rank 1
  = highest), and the mean of the four component ranks (rank 1 = lowest mean rank). A
  composite is NULL when one of its four scores is (a component constant within the set).
-#}
with index_components as (
    select component from {{ ref('innovation_components') }}
    where is_index_component
),

composites as (
    select
        scores.comparison_set,
        scores.reference_year,
        scores.country_iso3,
        -- Summed in a fixed order and rounded like the scores: the same data must give the
        -- same composites and ranks, ties included (a plain avg of doubles may not).
        case when count(scores.minmax_score) = count(*)
                then round(avg(scores.minmax_score order by scores.component), 12)
        end as composite_minmax,
        case when count(scores.z_score) = count(*)
                then round(avg(scores.z_score order by scores.component), 12)
        end as composite_zscore,
        avg(scores.rank_in_set order by scores.component) as composite_mean_rank
    from {{ ref('int_innovation_index_scores') }} as scores
    inner join index_components using (component)
    group by all
)

select
    comparison_set,
    reference_year,
    country_iso3,
    composite_minmax,
    case when composite_minmax is not null then rank() over (
                partition by comparison_set, reference_year, composite_minmax is null order by composite_minmax desc
            )
    end as composite_minmax_rank,
    composite_zscore,
    case when composite_zscore is not null then rank() over (
                partition by comparison_set, reference_year, composite_zscore is null order by composite_zscore desc
            )
    end as composite_zscore_rank,
    composite_mean_rank,
    rank() over (partition by comparison_set, reference_year order by composite_mean_rank) as composite_rank_of_mean_rank
from composites
