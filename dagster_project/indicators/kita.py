"""KITA 2021 source: the study's published figures, transcribed, which the claims ledger checks.

Each file is declared once, as a `reader.Source`; catalogue.SOURCES lists them all.
"""

from __future__ import annotations

from dagster_project.indicators.reader import Column, RowFloor, RowRange, Source

KITA_PUBLISHED = Source(
    table="kita2021_published_figures",
    path="kita2021_published/kita2021_reshoring_and_innovation_figures.csv",
    provider="KITA 2021 report (as published)",
    description=(
        "Figures published by the KITA report on manufacturing innovation and reshoring (Feb 2021) "
        "and a few labelled MOTIE/FKI follow-ups: the expected values the claims ledger compares "
        "the warehouse's computations with. Never an input to a computation."
    ),
    provenance="Hand-transcribed from public news pages quoting the report; each row has its source_url.",
    units="value: in the row's unit column (rank, firms, percent, percentage_points).",
    columns=(
        Column(
            "figure_id", "VARCHAR", "Identifier of the published figure (claimed in the seed innovation_claims).",
            known_values="innovation_claims.figure_id",
        ),
        Column("country_iso3", "VARCHAR", "Economy, ISO3, or EU for the European Union."),
        Column("metric", "VARCHAR", "What the figure measures, e.g. world_rank_rd_expenditure_pct_gdp."),
        Column("period_start", "SMALLINT", "First year the figure covers; empty for ranks.", nullable=True, min_value=1900, max_value=2100),
        Column("period_end", "SMALLINT", "Last year the figure covers; empty for ranks.", nullable=True, min_value=1900, max_value=2100),
        Column(
            "value", "DOUBLE", "Published value, in unit.",
            row_ranges=(RowRange("unit", ("rank",), min_value=1), RowRange("unit", ("firms",), min_value=0)),
        ),
        Column(
            "unit", "VARCHAR", "rank, firms, percent or percentage_points.",
            known_values=("rank", "firms", "percent", "percentage_points"),
        ),
        Column("source_url", "VARCHAR", "Page the figure was transcribed from."),
        Column("source_note", "VARCHAR", "Who published it and how it was quoted.", nullable=True),
    ),
    key=("figure_id",),
    min_rows=RowFloor(40, "every figure transcribed, each one claimed by the seed innovation_claims"),
)
