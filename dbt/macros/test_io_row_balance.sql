{#-
  Accounting identity of the input-output table: for every country-industry and year,
  intermediate sales + final sales = gross output, within 0.1% of gross output or within
  what the storage precision allows, whichever is larger.

  The WIOD 2013 RData stores every cell truncated to whole millions, so a row's sum can fall
  short of the separately stored output by up to one million per cell of the row (1,640
  cells in WIOD 2013: every country-industry column plus five final uses per country).
  On the real data 0.1% alone fails ~860 small rows a year (AUS c4 2011: output 7,320,
  sales 7,272; Slovenia c8 2011: output 11, sales 2), nearly all short, as truncation
  predicts; the largest gap is 108. What this test still catches: a block or the output
  vector in other units (thousands against millions), a missing block, a lost row.

  Releases differ in their final uses per country (WIOD 2013 and 2016: 5; OECD ICIO: 6)
  and in storage precision (WIOD 2013 whole millions; WIOD 2016 and ICIO decimals), so
  `final_uses_per_country` and `truncation_unit` take either one number for every
  classification or a mapping {classification: number}. A classification the mapping
  does not name fails the test (one row saying so) rather than being checked loosely.
-#}
{% test io_row_balance(model, relative_tolerance=0.001, truncation_unit=1.0, final_uses_per_country=5) %}
with table_sizes as (
    select
        classification,
        year,
        count(*) as n_rows,
        count(distinct country_code) as n_countries
    from {{ model }}
    group by classification, year
),

cells_per_row as (
    select
        classification,
        year,
        n_rows + n_countries * {{ _io_per_classification(final_uses_per_country) }} as n_cells,
        {{ _io_per_classification(truncation_unit) }} as truncation_unit
    from table_sizes
)

select
    accounts.classification,
    accounts.year,
    accounts.country_code,
    accounts.industry_code,
    accounts.gross_output_usd_m,
    accounts.intermediate_sales_usd_m + accounts.final_sales_usd_m as total_sales_usd_m
from {{ model }} as accounts
inner join cells_per_row using (classification, year)
where abs(accounts.intermediate_sales_usd_m + accounts.final_sales_usd_m - accounts.gross_output_usd_m)
    > greatest(
        {{ relative_tolerance }} * accounts.gross_output_usd_m,
        cells_per_row.n_cells * cells_per_row.truncation_unit
    )

union all

select
    classification,
    year,
    'no final_uses_per_country or truncation_unit for this classification' as country_code,
    null as industry_code,
    null as gross_output_usd_m,
    null as total_sales_usd_m
from cells_per_row
where n_cells is null or truncation_unit is null
{% endtest %}

{#- One number for every classification, or a SQL case over a {classification: number} mapping. -#}
{% macro _io_per_classification(value) -%}
{%- if value is mapping -%}
case classification
    {%- for classification, number in value.items() %} when '{{ classification }}' then {{ number }}{% endfor %}
end
{%- else -%}
{{ value }}
{%- endif -%}
{%- endmacro %}
