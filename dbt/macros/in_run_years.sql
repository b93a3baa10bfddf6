{#-
  Incremental by year. A run that re-reads some input-output years passes them to dbt in the
  environment variable DBT_RUN_YEARS, comma-separated (dagster_project/defs/dbt/assets.py takes
  them from the run's year partitions); the year-grained models then rebuild only those years'
  rows (delete+insert on `year`), instead of every year. Without it (a full refresh, a first
  build) every year is rebuilt.

  Read at execution only (`execute`), not as a dbt var: a changed var makes dbt re-parse the
  whole project (about 5 s per dbt build), a value read at execution leaves the saved parse valid.

  in_run_years(column, lookback, lookahead): a SQL condition on `column`, true for the run's
  years widened by `lookback` years before and `lookahead` after (a model with a one-year lag
  reads the year before, and its next year's rows change too); `true` when every year is built.
-#}
{% macro in_run_years(column, lookback=0, lookahead=0) -%}
    {%- set years = env_var('DBT_RUN_YEARS', '').split(',') | reject('equalto', '') | list if execute else [] -%}
    {%- if not years or not is_incremental() -%}
        true
    {%- else -%}
        {%- set widened = [] -%}
        {%- for year in years -%}
            {%- for offset in range(-lookback, lookahead + 1) -%}
                {%- do widened.append(year | int + offset) -%}
            {%- endfor -%}
        {%- endfor -%}
        {{ column }} in ({{ widened | unique | sort | join(', ') }})
    {%- endif -%}
{%- endmacro %}

{#- The config of a year-grained model: rows replaced year by year (see in_run_years). -#}
{% macro year_incremental_config() -%}
    {{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='year', on_schema_change='fail') }}
{%- endmacro %}
