select
    iso3 as country_iso3,
    cast(2017 as smallint) as year,
    idi_2017 as ict_idi,
    idi_rank_2017 as itu_publication_order,
    itu_country_name
from {{ source('raw', 'itu_idi_2017') }}
