{#-
  The World Bank income group that applies to data of each year, keyed by (country_iso3, year)
  where year is the GNI data year: the class assigned on 1 July of year + 1, for fiscal year
  FY(year + 2), from GNI per capita of calendar year `year`. See the model's documentation.
-#}
select
    country_code as country_iso3,
    gni_data_year as year,
    country_name,
    wb_fiscal_year,
    fiscal_year_end,
    gni_data_year,
    replace(income_group_code, '*', '') as income_group_code,
    income_group,
    case replace(income_group_code, '*', '')
        when 'L' then 1
        when 'LM' then 2
        when 'UM' then 3
        when 'H' then 4
    end as income_group_order,
    replace(income_group_code, '*', '') = 'H' as is_high_income,
    income_group_code like '%*' as is_flagged_in_source
from {{ source('raw', 'wb_income_group_history') }}
