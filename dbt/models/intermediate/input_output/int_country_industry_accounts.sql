{{ year_incremental_config() }}
{#-
  The production account of every country-industry and year: its gross output (from the
  release's output vector), its sales (row sums) and its purchases (column sums). Built on
  the gross-output rows so that industries with no flows still appear.
-#}
with sales as (
    select
        classification,
        year,
        supplier_country_code as country_code,
        supplier_industry_code as industry_code,
        coalesce({{ exact_sum('value_usd_m', where="use_type = 'intermediate'") }}, 0) as intermediate_sales_usd_m,
        coalesce({{ exact_sum('value_usd_m', where="use_type = 'final'") }}, 0) as final_sales_usd_m
    from {{ ref('stg_wiod__flows') }}
    where {{ in_run_years('year') }}
    group by all
),

purchases as (
    select
        classification,
        year,
        country_code,
        industry_code,
        {{ exact_sum('inputs_domestic_usd_m + inputs_imported_usd_m') }} as intermediate_inputs_usd_m
    from {{ ref('int_industry_inputs_by_supplier') }}
    where {{ in_run_years('year') }}
    group by all
)

select
    output.classification,
    output.year,
    output.country_code,
    output.industry_code,
    output.gross_output_usd_m,
    coalesce(purchases.intermediate_inputs_usd_m, 0) as intermediate_inputs_usd_m,
    coalesce(sales.intermediate_sales_usd_m, 0) as intermediate_sales_usd_m,
    coalesce(sales.final_sales_usd_m, 0) as final_sales_usd_m
from {{ ref('stg_wiod__gross_output') }} as output
left join sales using (classification, year, country_code, industry_code)
left join purchases using (classification, year, country_code, industry_code)
where {{ in_run_years('output.year') }}
