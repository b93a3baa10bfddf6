{#- Rows of the seed innovation_rank_populations whose columns do not fit their rule. -#}
select *
from {{ ref('innovation_rank_populations') }}
where (rule = 'size_floor') <> (indicator_code is not null and min_value is not null)
    or (rule = 'comparison_set') <> (comparison_set is not null)
