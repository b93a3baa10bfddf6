{#-
  None of `columns` is ever NULL: one scan of the model for all of them (a not_null test per
  column costs a dbt node and a scan each). A failure has a row per column holding NULLs, with
  how many (the dbt step's error lists them: quality/dbt_failures.py).
-#}
{% test not_null_columns(model, columns) %}
select column_name, null_rows
from (
    select
    {%- for column in columns %}
        count(*) filter (where {{ adapter.quote(column) }} is null) as {{ adapter.quote(column) }}{{ "," if not loop.last }}
    {%- endfor %}
    from {{ model }}
) unpivot (null_rows for column_name in (
    {%- for column in columns %}{{ adapter.quote(column) }}{{ ", " if not loop.last }}{% endfor -%}
))
where null_rows > 0
{% endtest %}
