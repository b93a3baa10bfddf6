"""ITU source: the ICT Development Index 2017 (the innovation index's ICT component).

Each file is declared once, as a `reader.Source`; catalogue.SOURCES lists them all.
"""

from __future__ import annotations

from dagster_project.indicators.reader import Column, RowFloor, Source

ITU_IDI_2017 = Source(
    table="itu_idi_2017",
    path="itu_idi/itu_idi_2017.csv",
    provider="ITU",
    description=(
        "ITU ICT Development Index 2017 (Measuring the Information Society 2017), 176 economies: "
        "the ICT component of the innovation index."
    ),
    provenance=(
        "mpigmans/WM0824TU-group-9 idi.csv (ITU IDI 2017 values, in publication order); ISO3 mapped "
        "from the ITU names; cross-checked with jakobsk/EoC idi.csv."
    ),
    units="idi_2017: index 0-10 (10 = most developed).",
    columns=(
        Column("idi_rank_2017", "SMALLINT", "Row order of the ITU publication (1 = Iceland); ties keep publication order.", min_value=1),
        Column("iso3", "VARCHAR", "Economy, ISO3 code."),
        Column("itu_country_name", "VARCHAR", "Economy name as ITU writes it."),
        Column("idi_2017", "DOUBLE", "ICT Development Index 2017, 0-10.", min_value=0, max_value=10),
    ),
    key=("iso3",),
    min_rows=RowFloor(176, "the 176 economies ITU ranked in 2017"),
)
