{{ config(tags=['innovation']) }}
{#-
  Table 6234 says 'Millions of current dollars' but publishes billions; staging multiplies by
  the seed's factor. After conversion its World KTI exports (value added of KTI industries in
  exports, TiVA) must be of the size of table 1992's World KTI product exports (gross, in
  millions): within a factor of two in every common year. Read as millions they would be a
  thousand times too small, and the test fails.
-#}
with tiva as (
    select year, value_usd_m
    from {{ ref('stg_ncses__kti_trade_select_countries') }}
    where flow = 'exports' and region = 'World'
),

products as (
    select year, value_usd_m
    from {{ ref('stg_ncses__kti_value_added_and_trade') }}
    where table_id = 1992 and flow = 'exports' and region = 'World'
)

select tiva.year, tiva.value_usd_m as tiva_exports_usd_m, products.value_usd_m as product_exports_usd_m
from tiva
inner join products using (year)
where tiva.value_usd_m not between 0.5 * products.value_usd_m and 2 * products.value_usd_m
