{#-
  Figures published by the KITA 2021 study (and labelled MOTIE/FKI follow-ups): expected values
  for the claims ledger, never an input to a computation. The publisher is read from the start
  of the transcriber's note, which names MOTIE and FKI figures first.
-#}
select
    figure_id,
    country_iso3 as country_or_region,
    case when length(country_iso3) = 3 then country_iso3 end as country_iso3,
    metric,
    period_start,
    period_end,
    value,
    unit,
    case
        when source_note like 'MOTIE%' then 'MOTIE'
        when source_note like 'FKI%' then 'FKI'
        else 'KITA'
    end as publisher,
    source_url,
    source_note
from {{ source('raw', 'kita2021_published_figures') }}
