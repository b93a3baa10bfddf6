{#-
  dbt-duckdb's table materialization renames the previous table to `<name>__dbt_backup`, commits
  the new one, then drops the backup outside any transaction, which on a DuckLake is rolled back
  when dbt closes its connection (measured: the drop is logged, then ROLLBACK). Every rebuilt
  table would leave its backup behind in the lake. At the end of each dbt invocation this drops
  them on the connection dbt commits (on-run-end in dbt_project.yml).
-#}
{% macro drop_dbt_backups() %}
    {%- if execute -%}
        {%- set backups = run_query(
            "select schema_name, table_name from duckdb_tables() "
            ~ "where database_name = '" ~ target.database ~ "' and ends_with(table_name, '__dbt_backup') order by all"
        ) -%}
        {%- for backup in backups.rows -%}
            drop table if exists "{{ target.database }}"."{{ backup[0] }}"."{{ backup[1] }}";
        {% endfor -%}
    {%- endif -%}
{% endmacro %}
