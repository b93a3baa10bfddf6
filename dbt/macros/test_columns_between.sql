{#-
  Each column of `bounds` ({column: {min_value: .., max_value: ..}}, either end optional) lies
  within its range; NULLs pass (not_null_columns or a constraint says otherwise). One scan of
  the model for all of them; a failure has a row per column out of range, with how many rows
  and the smallest and largest value seen.
-#}
{% test columns_between(model, bounds) %}
{%- set outside = [] -%}
{%- for column, limits in bounds.items() -%}
    {%- set tests = [] -%}
    {%- if limits.get("min_value") is not none %}{% do tests.append(adapter.quote(column) ~ " < " ~ limits["min_value"]) %}{% endif -%}
    {%- if limits.get("max_value") is not none %}{% do tests.append(adapter.quote(column) ~ " > " ~ limits["max_value"]) %}{% endif -%}
    {%- if not tests %}{{ exceptions.raise_compiler_error("columns_between: column " ~ column ~ " has neither min_value nor max_value") }}{% endif -%}
    {%- do outside.append((column, tests | join(" or "))) -%}
{%- endfor %}
with checked as (
    select
    {%- for column, test in outside %}
        count(*) filter (where {{ test }}) as {{ adapter.quote(column ~ "__outside") }},
        min({{ adapter.quote(column) }}) as {{ adapter.quote(column ~ "__min") }},
        max({{ adapter.quote(column) }}) as {{ adapter.quote(column ~ "__max") }}{{ "," if not loop.last }}
    {%- endfor %}
    from {{ model }}
)
{%- for column, test in outside %}
select '{{ column }}' as column_name, {{ adapter.quote(column ~ "__outside") }} as rows_outside,
    {{ adapter.quote(column ~ "__min") }}::varchar as smallest, {{ adapter.quote(column ~ "__max") }}::varchar as largest
from checked where {{ adapter.quote(column ~ "__outside") }} > 0
{{ "union all" if not loop.last }}
{%- endfor %}
{% endtest %}
