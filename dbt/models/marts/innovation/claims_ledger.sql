{#-
  Every published figure of the KITA 2021 study checked against what the warehouse computes
  from the sources: one row per claim of the seed innovation_claims (a figure may be tested
  under more than one definition), with the published value, the computed value, their
  difference and a verdict: 'reproduced' (within the claim's tolerance: ranks exactly,
  growth rates within 0.5 percentage points, foreign value-added shares within 3), 'differs', or
  'not testable with this data' (the data cannot measure it), and a one-line reason. Published
  values are only compared with, never used in a computation. The foreign value-added shares
  come from the input-output tables with the value-added PROXY (gross output minus intermediate
  inputs: the WIOD 2013 RData has no value-added block), for the table year of the figure.
-#}
with claims as (
    select
        claims.*,
        published.country_or_region,
        published.country_iso3,
        published.value as figure_value,
        published.period_end as figure_year,
        published.unit,
        published.publisher,
        published.source_url
    from {{ ref('innovation_claims') }} as claims
    left join {{ ref('stg_kita2021__published_figures') }} as published using (figure_id)
),

default_set as (
    select comparison_set from {{ ref('innovation_comparison_sets') }}
    where is_default
),

ranks as (
    select
        latest.reference_year,
        latest.component,
        latest.country_iso3,
        latest.value,
        latest.value_year,
        latest.world_rank,
        latest.world_n,
        scores.rank_in_set,
        scores.n_in_set
    from {{ ref('int_innovation_component_latest') }} as latest
    left join {{ ref('int_innovation_index_scores') }} as scores
        on scores.comparison_set = (select comparison_set from default_set)
            and scores.reference_year = latest.reference_year
            and scores.component = latest.component
            and scores.country_iso3 = latest.country_iso3
),

rank_tests as (
    select
        claims.claim_id,
        own.world_rank,
        own.world_n,
        own.value,
        own.value_year,
        own.rank_in_set,
        own.n_in_set,
        array_to_string(list_slice(list(above.country_iso3 order by above.world_rank, above.country_iso3), 1, 10), ' ')
        || case when count(above.country_iso3) > 10 then ' ...' else '' end as economies_above
    from claims
    left join ranks as own
        on own.reference_year = claims.reference_year
            and own.component = claims.component
            and own.country_iso3 = claims.country_iso3
    left join ranks as above
        on above.reference_year = own.reference_year
            and above.component = own.component
            and above.world_rank < own.world_rank
    where claims.test_method = 'world_rank'
    group by all
),

growth as (
    select * from {{ ref('fct_intermediate_export_growth') }}
    where is_partner_total
),

-- The release that best measures each growth claim: one that covers the period, the latest.
growth_tests as (
    select
        claims.claim_id,
        growth.classification,
        growth.is_covered,
        growth.cagr_pct,
        growth.coverage_note,
        growth.start_year,
        growth.end_year,
        base.cagr_pct as base_cagr_pct,
        base.start_year as base_start_year,
        base.end_year as base_end_year,
        base.coverage_note as base_coverage_note
    from claims
    inner join growth
        on growth.exporter_iso3 = claims.country_iso3
            and growth.period = claims.period
    left join growth as base
        on base.classification = growth.classification
            and base.exporter_iso3 = growth.exporter_iso3
            and base.period = claims.base_period
    where claims.test_method in ('export_cagr', 'export_cagr_change', 'export_cagr_implied')
    qualify row_number() over (
            partition by claims.claim_id order by growth.is_covered desc, growth.release_last_year desc, growth.classification
        ) = 1
),

-- Foreign value added in final demand (marts.fct_value_added_proxy_indicators) in the figure's year,
-- from the release covering it that ends last (then by name): none covers a year after its last.
fva_releases as (
    select
        classification,
        max(year) as release_last_year
    from {{ ref('fct_value_added_proxy_indicators') }}
    group by classification
),

fva_tests as (
    select
        claims.claim_id,
        indicators.classification,
        indicators.year as table_year,
        100 * indicators.foreign_va_proxy_share_final_demand as fva_share_pct,
        100 * indicators.foreign_va_proxy_share_final_demand_via_domestic_products as fva_via_domestic_products_pct
    from claims
    inner join {{ ref('dim_country') }} as countries on countries.iso3 = claims.country_iso3
    inner join {{ ref('fct_value_added_proxy_indicators') }} as indicators
        on indicators.country_code = countries.country_code
            and indicators.year = claims.figure_year
    inner join fva_releases using (classification)
    where claims.test_method = 'fva_share_final_demand'
    qualify row_number() over (
            partition by claims.claim_id order by fva_releases.release_last_year desc, indicators.classification
        ) = 1
),

implied as (
    select
        figure_id as implied_from_figure_id,
        value as implied_from_value
    from {{ ref('stg_kita2021__published_figures') }}
),

compared as (
    select
        claims.*,
        case
            when claims.test_method = 'export_cagr_implied' then implied.implied_from_value - claims.figure_value
            else claims.figure_value
        end as published_value,
        case claims.test_method
            when 'world_rank' then rank_tests.world_rank
            when 'export_cagr' then growth_tests.cagr_pct
            when 'export_cagr_implied' then growth_tests.cagr_pct
            when 'export_cagr_change' then growth_tests.cagr_pct - growth_tests.base_cagr_pct
            when 'fva_share_final_demand' then fva_tests.fva_share_pct
        end as computed_value,
        rank_tests.world_n,
        rank_tests.value as component_value,
        rank_tests.value_year,
        rank_tests.rank_in_set,
        rank_tests.n_in_set,
        rank_tests.economies_above,
        coalesce(growth_tests.classification, fva_tests.classification) as classification,
        fva_tests.table_year,
        fva_tests.fva_via_domestic_products_pct,
        growth_tests.start_year,
        growth_tests.end_year,
        growth_tests.base_start_year,
        growth_tests.base_end_year,
        growth_tests.coverage_note,
        growth_tests.base_coverage_note
    from claims
    left join rank_tests using (claim_id)
    left join growth_tests using (claim_id)
    left join fva_tests using (claim_id)
    left join implied using (implied_from_figure_id)
),

judged as (
    select
        *,
        computed_value - published_value as difference,
        case
            when
                test_method = 'not_testable' or computed_value is null or published_value is null
                then 'not testable with this data'
            when abs(computed_value - published_value) <= tolerance then 'reproduced'
            else 'differs'
        end as verdict
    from compared
)

select
    claim_id,
    figure_id,
    claim_group,
    claim_text as claim,
    country_or_region,
    reference_year,
    period,
    unit,
    published_value,
    computed_value,
    difference,
    tolerance,
    verdict,
    case
        when published_value is null then format('The published figure {} is not in raw.kita2021_published_figures', figure_id)
        when test_method = 'not_testable' then note
        when test_method = 'world_rank' and computed_value is null
            then format(
                    'No {} value for {} at or before {}; {}', component, country_iso3, reference_year, note
                )
        when test_method = 'world_rank'
            then format(
                    '{} {} = {:.3f} ({}) ranks {} of {} economies reporting at or before {}{}{}; rank {} of {} in the comparison set {}; {}',  -- noqa: LT05
                    country_iso3, component, component_value, value_year, computed_value::integer, world_n, reference_year,
                    case when economies_above <> '' then ' (above: ' || economies_above || ')' else '' end,
                    case
                        when
                            computed_value > published_value
                            then format(', lower than the published {}', published_value::integer)
                        when
                            computed_value < published_value
                            then format(', higher than the published {}', published_value::integer)
                        else ''
                    end,
                    coalesce(rank_in_set::varchar, '-'),
                    coalesce(n_in_set::varchar, '-'),
                    (select comparison_set from default_set),
                    note
                )
        when test_method = 'fva_share_final_demand' and computed_value is null
            then format('No input-output table covers {} for {}; {}', figure_year, country_iso3, note)
        when test_method = 'fva_share_final_demand'
            then format(
                    '{} {}: foreign value added (proxy) embodied in the final demand of {} = {:.1f}% of all value added embodied in it, {:.1f} points of it through the intermediate inputs of final products made at home and {:.1f} in imported final products; {}',  -- noqa: LT05
                    classification, table_year, country_iso3, computed_value, fva_via_domestic_products_pct,
                    computed_value - fva_via_domestic_products_pct, note
                )
        when computed_value is null then concat_ws('; ', coverage_note, base_coverage_note, note)
        when test_method = 'export_cagr_change'
            then format(
                    '{}: compound annual growth of intermediate-goods exports to all partners {}-{} minus {}-{} = {:.2f} percentage points; {}',  -- noqa: LT05
                    classification, start_year, end_year, base_start_year, base_end_year, computed_value, note
                )
        else format(
                '{}: compound annual growth of intermediate-goods exports to all partners {}-{} = {:.2f}%; {}',
                classification, start_year, end_year, computed_value, note
            )
    end as reason,
    test_method,
    component,
    classification as computed_from_release,
    rank_in_set as comparison_set_rank,
    n_in_set as comparison_set_size,
    publisher,
    source_url
from judged
