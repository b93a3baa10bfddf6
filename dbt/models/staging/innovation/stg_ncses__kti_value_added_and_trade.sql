{#- Value added of KTI industries and trade in KTI products, in millions of current US dollars. -#}
{{ ncses_kti_staging('ncses_kti_value_added_and_trade') }}
