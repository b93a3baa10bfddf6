{#-
  Members of every comparison set of the seed innovation_comparison_sets, per reference year.
  Rule all_components: every economy with a value for each index component at or before the
  reference year. Rule listed: the economies the seed innovation_comparison_set_members lists,
  among those (a composite needs all four components).
-#}
with index_components as (
    select component from {{ ref('innovation_components') }}
    where is_index_component
),

complete as (
    select
        latest.reference_year,
        latest.country_iso3
    from {{ ref('int_innovation_component_latest') }} as latest
    inner join index_components using (component)
    group by all
    having count(*) = (select count(*) from index_components)
)

select
    sets.comparison_set,
    complete.reference_year,
    complete.country_iso3
from {{ ref('innovation_comparison_sets') }} as sets
cross join complete
left join {{ ref('innovation_comparison_set_members') }} as listed
    on listed.comparison_set = sets.comparison_set
        and listed.country_iso3 = complete.country_iso3
where sets.membership_rule = 'all_components'
    or (sets.membership_rule = 'listed' and listed.country_iso3 is not null)
