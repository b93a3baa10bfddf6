{{ year_incremental_config() }}
{#-
  Exports of intermediate goods of every economy of each input-output release, by partner and
  year: the intermediate use abroad of the economy's agriculture, mining and manufacturing
  output (supplier country <> user country, use_type 'intermediate'), with manufacturing alone
  and all industries (services included) beside it. Partner 'WLD' is the sum over all foreign
  partners. Pairs without flows in a year are zero, so growth is never taken across a gap.
  The release's last year is carried on every row: WIOD 2013 ends in 2011. Flows are summed
  exactly (macros/exact_sum.sql), so that the fractional values of later releases add up to
  the same bits in every build, whatever DuckDB's parallelism.
-#}
with industries as (
    select
        classification,
        industry_code,
        broad_sector
    from {{ ref('dim_industry') }}
),

economies as (
    select distinct
        output.classification,
        output.year,
        output.country_code,
        countries.iso3,
        countries.is_rest_of_world
    from {{ ref('stg_wiod__gross_output') }} as output
    inner join {{ ref('dim_country') }} as countries using (country_code)
    where {{ in_run_years('output.year', lookback=1, lookahead=1) }}
),

release_years as (
    select
        classification,
        min(year) as release_first_year,
        max(year) as release_last_year
    from {{ ref('stg_wiod__gross_output') }}
    group by classification
),

pairs as (
    select
        exporter.classification,
        exporter.year,
        exporter.country_code as exporter_country_code,
        exporter.iso3 as exporter_iso3,
        partner.country_code as partner_country_code,
        partner.iso3 as partner_iso3
    from economies as exporter
    inner join economies as partner
        on partner.classification = exporter.classification
            and partner.year = exporter.year
            and partner.country_code <> exporter.country_code
    where not exporter.is_rest_of_world
),

flows as (
    select
        flows.classification,
        flows.year,
        flows.supplier_country_code as exporter_country_code,
        flows.user_country_code as partner_country_code,
        {{ exact_sum('flows.value_usd_m', where="industries.broad_sector in ('primary', 'manufacturing')") }}
            as goods_usd_m,
        {{ exact_sum('flows.value_usd_m', where="industries.broad_sector = 'manufacturing'") }} as manufactured_usd_m,
        {{ exact_sum('flows.value_usd_m') }} as all_industries_usd_m
    from {{ ref('stg_wiod__flows') }} as flows
    left join industries
        on industries.classification = flows.classification
            and industries.industry_code = flows.supplier_industry_code
    where flows.use_type = 'intermediate' and not flows.is_domestic
        and {{ in_run_years('flows.year', lookback=1, lookahead=1) }}
    group by all
),

by_partner as (
    select
        pairs.*,
        false as is_partner_total,
        coalesce(flows.goods_usd_m, 0) as intermediate_goods_exports_usd_m,
        coalesce(flows.manufactured_usd_m, 0) as manufactured_intermediate_exports_usd_m,
        coalesce(flows.all_industries_usd_m, 0) as all_intermediate_exports_usd_m
    from pairs
    left join flows using (classification, year, exporter_country_code, partner_country_code)
),

with_total as (
    select * from by_partner
    union all
    select
        classification,
        year,
        exporter_country_code,
        exporter_iso3,
        'WLD' as partner_country_code,
        null as partner_iso3,
        true as is_partner_total,
        {{ exact_sum('intermediate_goods_exports_usd_m') }},
        {{ exact_sum('manufactured_intermediate_exports_usd_m') }},
        {{ exact_sum('all_intermediate_exports_usd_m') }}
    from by_partner
    group by classification, year, exporter_country_code, exporter_iso3
)

select
    classification,
    exporter_country_code,
    exporter_iso3,
    partner_country_code,
    partner_iso3,
    is_partner_total,
    year,
    intermediate_goods_exports_usd_m,
    manufactured_intermediate_exports_usd_m,
    all_intermediate_exports_usd_m,
    100
    * intermediate_goods_exports_usd_m
    / nullif({{ exact_sum(
        'intermediate_goods_exports_usd_m',
        where='not is_partner_total',
        over='partition by classification, year, exporter_country_code'
    ) }}, 0) as partner_share_pct,
    case when lag(year) over by_pair = year - 1 then
            100 * (intermediate_goods_exports_usd_m / nullif(lag(intermediate_goods_exports_usd_m) over by_pair, 0) - 1)
    end as yoy_growth_pct,
    release_years.release_first_year,
    release_years.release_last_year
from with_total
inner join release_years using (classification)
window by_pair as (partition by classification, exporter_country_code, partner_country_code order by year)
-- After the windows: the year before the run's years is read for growth, not rewritten.
qualify {{ in_run_years('year', lookahead=1) }}
