{#-
  Growth of intermediate-goods exports over the periods of the seed intermediate_export_periods,
  for every exporter and partner of each release: total growth and the compound annual growth
  rate between the period's first and last year, (end / start)^(1 / (end - start)) - 1. A
  period the release does not span (WIOD 2013 ends in 2011, so 2011-2019) gets a row with NULL
  growth and a coverage note, so that what cannot be measured stays visible.
-#}
with exports as (
    select * from {{ ref('fct_intermediate_exports') }}
),

series as (
    select distinct
        classification,
        exporter_country_code,
        exporter_iso3,
        partner_country_code,
        partner_iso3,
        is_partner_total,
        release_first_year,
        release_last_year
    from exports
),

measured as (
    select
        series.*,
        periods.period,
        periods.start_year,
        periods.end_year,
        periods.start_year >= series.release_first_year and periods.end_year <= series.release_last_year as is_covered,
        starting.intermediate_goods_exports_usd_m as start_value_usd_m,
        ending.intermediate_goods_exports_usd_m as end_value_usd_m
    from series
    cross join {{ ref('intermediate_export_periods') }} as periods
    left join exports as starting
        on starting.classification = series.classification
            and starting.exporter_country_code = series.exporter_country_code
            and starting.partner_country_code = series.partner_country_code
            and starting.year = periods.start_year
    left join exports as ending
        on ending.classification = series.classification
            and ending.exporter_country_code = series.exporter_country_code
            and ending.partner_country_code = series.partner_country_code
            and ending.year = periods.end_year
)

select
    measured.*,
    100 * (end_value_usd_m / nullif(start_value_usd_m, 0) - 1) as total_growth_pct,
    100 * (power(end_value_usd_m / nullif(start_value_usd_m, 0), 1.0 / (end_year - start_year)) - 1) as cagr_pct,
    case
        when not is_covered then format(
                '{} covers {}-{}: the period {}-{} is not covered',
                classification, release_first_year, release_last_year, start_year, end_year
            )
    end as coverage_note
from measured
