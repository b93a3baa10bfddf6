{#-
  dbt-duckdb's table materialization, on a DuckLake, commits the new table and only then writes
  the table's comments (persist_docs) and drops the `<table>__dbt_backup` it renamed the old
  table to. Those last statements run in a transaction dbt never commits: it is rolled back when
  dbt closes the connection (measured: every table model lost its comments and left its backup).
  This post-hook, run outside the model's transaction after them, commits them. Other
  materializations end with no transaction open and get no hook.
-#}
{% macro commit_after_table_build() -%}
    {%- if config.get('materialized') == 'table' -%}commit{%- endif -%}
{%- endmacro %}
