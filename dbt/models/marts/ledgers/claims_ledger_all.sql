{#-
  Every claim checked by the warehouse, of both studies, in one table with one verdict
  vocabulary: the 2018 convergence study's findings (analytics.convergence_claims_ledger,
  written in Python by dagster_project/defs/analysis/assets.py from the regressions) and the KITA
  2021 study's published figures (marts.claims_ledger, dbt). Each ledger keeps its own verdict
  in source_verdict; verdict maps both onto reproduced / not reproduced / not testable:

    convergence_claims_ledger  'reproduced'                   -> reproduced
                               'not reproduced'               -> not reproduced
                               'not testable with this data'  -> not testable
    claims_ledger              'reproduced'                   -> reproduced
                               'differs'                      -> not reproduced
                               'not testable with this data'  -> not testable

  A verdict word not listed here maps to NULL, which the not_null constraint on verdict rejects (the build fails naming the column).
  Numbers are text here (the Python ledger states them in words, e.g. 'rank 30 of 40');
  marts.claims_ledger keeps the KITA values as numbers with their difference and tolerance.
-#}
with convergence as (
    select
        'kiet2018' as study,
        'analytics.convergence_claims_ledger' as ledger,
        claim_id,
        'finding ' || finding as claim_group,
        claim,
        nullif(published_value, '') as published_value,
        nullif(computed_value, '') as computed_value,
        cast(null as varchar) as unit,
        evidence,
        verdict as source_verdict,
        reason
    from {{ source('analytics', 'convergence_claims_ledger') }}
),

innovation as (
    select
        'kita2021' as study,
        'marts.claims_ledger' as ledger,
        claim_id,
        claim_group,
        claim,
        case
            when published_value = trunc(published_value) then published_value::bigint::varchar else published_value::varchar
        end as published_value,
        case when computed_value = trunc(computed_value) then computed_value::bigint::varchar else computed_value::varchar end
            as computed_value,
        unit,
        cast(null as varchar) as evidence,
        verdict as source_verdict,
        reason
    from {{ ref('claims_ledger') }}
),

claims as (
    select * from convergence
    union all
    select * from innovation
)

select
    study,
    ledger,
    claim_id,
    claim_group,
    claim,
    published_value,
    computed_value,
    unit,
    evidence,
    case
        when source_verdict = 'reproduced' then 'reproduced'
        when ledger = 'analytics.convergence_claims_ledger' and source_verdict = 'not reproduced' then 'not reproduced'
        when ledger = 'marts.claims_ledger' and source_verdict = 'differs' then 'not reproduced'
        when source_verdict = 'not testable with this data' then 'not testable'
    end as verdict,
    source_verdict,
    reason
from claims
