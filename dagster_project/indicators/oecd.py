"""OECD source: the R&D-intensity classification of industries (ISIC Rev. 4), as NCSES re-exports it.

Each file is declared once, as a `reader.Source`; catalogue.SOURCES lists them all.
"""

from __future__ import annotations

from dagster_project.indicators.ncses import NCSES_PROVENANCE
from dagster_project.indicators.reader import Column, RowFloor, Source

OECD_RD_INTENSITY = Source(
    table="oecd_rd_intensity_classification",
    path="ncses_sei/oecd_rd_intensity_classification_isic4.csv",
    provider="OECD via NSF/NCSES",
    description=(
        "OECD taxonomy of ISIC rev.4 industries by R&D intensity (NCSES table 10955): which "
        "industries count as high-tech, to read the technology levels of the other sources."
    ),
    provenance=NCSES_PROVENANCE + "; table 10955, category forward-filled.",
    units="rd_intensity_pct: business R&D expenditure as percent of gross value added.",
    columns=(
        Column("rd_intensity_category", "VARCHAR", "High / Medium-high / Medium / Medium-low / Low R&D intensity."),
        Column("sector", "VARCHAR", "Manufacturing or Nonmanufacturing."),
        Column("isic_rev4_code", "VARCHAR", "ISIC rev.4 division, group or range (e.g. 26, 303, 62–63, 30X)."),
        Column("industry_name", "VARCHAR", "Industry name."),
        Column("rd_intensity_pct", "DOUBLE", "R&D intensity, percent of value added.", min_value=0, max_value=100),
    ),
    key=("isic_rev4_code",),
    min_rows=RowFloor(44, "the 44 ISIC rev.4 industries of the OECD taxonomy (table 10955)"),
)
