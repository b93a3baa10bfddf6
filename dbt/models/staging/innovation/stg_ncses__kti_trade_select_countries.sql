{#- Table 6234 (TiVA-based KTI trade), published in billions although labelled millions:
    value_usd_m is converted with the seed's multiplier and checked by ncses_kti_trade_units_agree. -#}
{{ ncses_kti_staging('ncses_kti_trade_select_countries') }}
