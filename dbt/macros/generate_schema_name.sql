{#- Use the folder's schema as is (marts, not main_marts): analysts query marts.fct_... -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name if custom_schema_name is not none else target.schema }}
{%- endmacro %}
