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
-#}
{% test io_row_balance(model, relative_tolerance=0.001, truncation_unit=1.0, final_uses_per_country=5) %}
with cells_per_row as (
    select
        classification,
        year,
        count(*) + count(distinct country_code) * {{ final_uses_per_country }} as n_cells
    from {{ model }}
    group by all
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
        cells_per_row.n_cells * {{ truncation_unit }}
    )
{% endtest %}
