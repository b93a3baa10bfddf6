{{ config(tags=['innovation']) }}
{#-
  Every rank of fct_innovation_index lies within the population it ranks (1 .. n), and the
  set ranks and composites exist exactly for the members of the comparison set.
-#}
{%- set index_components = ['rd_gdp_pct', 'hightech_export_share_pct', 'hightech_patent_share_pct', 'ict_idi'] %}
{%- set components = index_components + ['hightech_patent_share_wipo_pct'] %}
select country_iso3, reference_year
from {{ ref('fct_innovation_index') }}
where false
    {%- for c in components %}
    or {{ c }}_rank > comparison_set_size
    or {{ c }}_world_rank > {{ c }}_world_n
    {%- endfor %}
    {%- for c in index_components %}
    or ({{ c }}_rank is not null) <> in_comparison_set
    {%- endfor %}
    or composite_minmax_rank > comparison_set_size
    or composite_zscore_rank > comparison_set_size
    or composite_rank_of_mean_rank > comparison_set_size
    or (composite_rank_of_mean_rank is not null) <> in_comparison_set
