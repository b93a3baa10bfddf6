{#-
  Each member's score on each component within its comparison set and reference year:
  rank (1 = highest; ties share the lower rank), min-max score (x - min) / (max - min) in
  [0, 1], and z-score (x - mean) / population standard deviation. A score is NULL when the
  component does not vary within the set. The alternative patent definition is scored among
  the members that report it. DuckDB's parallel aggregation of doubles can differ in the
  last bits from run to run, and the marts must be the same for the same data: means and
  deviations are ordered aggregates (summed by economy, always in the same order), and
  scores are rounded to 12 decimals.
-#}
select
    members.comparison_set,
    members.reference_year,
    members.country_iso3,
    latest.component,
    latest.value,
    latest.value_year,
    rank() over ranked as rank_in_set,
    count(*) over in_set as n_in_set,
    round(
        (latest.value - min(latest.value) over in_set)
        / nullif(max(latest.value) over in_set - min(latest.value) over in_set, 0),
        12
    ) as minmax_score,
    round(
        (latest.value - avg(latest.value order by members.country_iso3) over in_set)
        / nullif(stddev_pop(latest.value order by members.country_iso3) over in_set, 0),
        12
    ) as z_score
from {{ ref('int_innovation_comparison_set_members') }} as members
inner join {{ ref('int_innovation_component_latest') }} as latest using (reference_year, country_iso3)
window
    in_set as (partition by members.comparison_set, members.reference_year, latest.component),
    ranked as (partition by members.comparison_set, members.reference_year, latest.component order by latest.value desc)
