{{ config(tags=['innovation']) }}
{#- fct_innovation_index and claims_ledger read the default comparison set: there must be exactly one. -#}
select count(*) filter (where is_default) as n_default
from {{ ref('innovation_comparison_sets') }}
having count(*) filter (where is_default) <> 1
