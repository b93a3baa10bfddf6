"""The innovation ranks under every declared choice, for the findings report: a strip chart per
published measure (one row per rank claim, one dot per reference year and population, the
published rank beside them) and a table of the same cells, from marts.claims_rank_sensitivity.

Why a chart of every cell: a published rank reproduced in one cell of the grid and missed in
the next says more about the choice than about the economy; the reader sees all of them, with
no cell singled out (the claims ledger's own cell is only marked).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dagster_project.analysis import formatting as fmt
from dagster_project.analysis import labels

POPULATION_COLOURS = ("#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf")
YEAR_SYMBOLS = ("circle", "square", "triangle-up", "diamond", "cross")
BAND = 0.8  # height of a claim's band of dots, in claims (1 = the distance between two claims)


def _claim_label(row: dict, names: dict[str, str]) -> str:
    return f"{labels.country(row['country_iso3'], names)}: {labels.COMPONENTS_SHORT.get(row['component'], row['component'])}"


def _ordered(cells: pd.DataFrame) -> pd.DataFrame:
    components = list(labels.COMPONENTS)
    return cells.assign(
        _component=cells["component"].map(lambda c: components.index(c) if c in components else len(components))
    ).sort_values(["_component", "country_iso3", "claim_id", "reference_year", "population_order"])


def charts(cells: pd.DataFrame, names: dict[str, str]) -> list[go.Figure]:
    """One strip chart per published measure: x the rank (1 = highest), one band per claim; in
    it a dot per cell, coloured by population and shaped by reference year, each cell at its own
    height (equal ranks would hide one another); the published rank a black bar across the band."""
    if cells.empty:
        return []
    cells = _ordered(cells)
    populations = cells.drop_duplicates("population").sort_values("population_order")
    colours = {p: POPULATION_COLOURS[i % len(POPULATION_COLOURS)] for i, p in enumerate(populations["population"])}
    years = sorted(int(y) for y in cells["reference_year"].unique())
    symbols = {y: YEAR_SYMBOLS[i % len(YEAR_SYMBOLS)] for i, y in enumerate(years)}
    slots = [(p, y) for p in populations["population"] for y in years]
    offsets = {slot: BAND * (0.5 - i / max(len(slots) - 1, 1)) for i, slot in enumerate(slots)}
    figures = []
    for _, rows in cells.groupby("measure", sort=False):
        rows = rows.assign(_label=[_claim_label(r, names) for r in rows.to_dict("records")])
        claims = list(dict.fromkeys(rows["_label"]))
        band = {label: len(claims) - 1 - i for i, label in enumerate(claims)}  # the first claim on top
        figure = go.Figure()
        for population in populations.itertuples():
            for year in years:
                drawn = rows[(rows["population"] == population.population) & (rows["reference_year"] == year)
                             & rows["rank_in_population"].notna()]
                if drawn.empty:
                    continue
                figure.add_trace(go.Scatter(
                    x=drawn["rank_in_population"], y=[band[c] + offsets[(population.population, year)]
                                                      for c in drawn["_label"]],
                    mode="markers", name=f"{population.population_label}, {year}", legendgroup=population.population,
                    marker={"color": colours[population.population], "symbol": symbols[year], "size": 9,
                            "line": {"width": 1, "color": "#ffffff"}},
                    customdata=[f"{c}<br>{population.population_label}, {year}: rank {fmt.integer(r)} of {fmt.integer(n)}"
                                for c, r, n in zip(drawn["_label"], drawn["rank_in_population"], drawn["population_n"])],
                    hovertemplate="%{customdata}<extra></extra>",
                ))
        published = rows.drop_duplicates("claim_id")
        xs, ys = [], []
        for label, rank in zip(published["_label"], published["published_rank"]):
            xs += [rank, rank, None]
            ys += [band[label] - BAND / 2 - 0.05, band[label] + BAND / 2 + 0.05, None]
        figure.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name="published rank",
                                    line={"color": "#24292f", "width": 3}, hoverinfo="skip"))
        figure.update_yaxes(tickmode="array", tickvals=list(band.values()), ticktext=list(band),
                            range=[-0.6, len(claims) - 0.4], automargin=True, showgrid=False, zeroline=False)
        figure.update_xaxes(title_text="rank (1 = highest)", tickformat="d", rangemode="tozero")
        figure.update_layout(
            title=f"{rows['measure_label'].iloc[0]}: the rank under every reference year and population",
            height=200 + 110 * len(claims),
            legend={"orientation": "v", "x": 1.02, "y": 1, "font": {"size": 11}},
        )
        figures.append(figure)
    return figures


def table(cells: pd.DataFrame, names: dict[str, str]) -> dict:
    """The cells as a table: one row per claim and reference year, one column per population,
    each cell 'rank of n' (marked where it reproduces the published rank), and each claim's
    summary ('reproduced under: ...' or 'reproduced under none') on its first row."""
    if cells.empty:
        return {"populations": [], "rows": []}
    cells = _ordered(cells)
    populations = cells.drop_duplicates("population").sort_values("population_order")
    rows = []
    for claim_id, claim in cells.groupby("claim_id", sort=False):
        first = claim.iloc[0].to_dict()
        years = sorted(int(y) for y in claim["reference_year"].unique())
        for i, year in enumerate(years):
            in_year = claim[claim["reference_year"] == year].set_index("population")
            row_cells = []
            for population in populations["population"]:
                cell = in_year.loc[population] if population in in_year.index else None
                ranked = cell is not None and fmt.number(cell["rank_in_population"]) is not None
                row_cells.append({
                    "text": (f"{fmt.integer(cell['rank_in_population'])} of {fmt.integer(cell['population_n'])}"
                             if ranked else "n/a (not ranked)"),
                    "reproduced": bool(ranked and cell["is_reproduced"]),
                    "ledger": bool(cell is not None and cell["is_ledger_cell"]),
                })
            rows.append({
                "claim_id": claim_id, "claim": _claim_label(first, names), "year": year, "first": i == 0,
                "span": len(years), "published": fmt.integer(first["published_rank"]), "cells": row_cells,
                "reproduced_under": first["reproduced_under"],
            })
    return {"populations": list(populations["population_label"]), "rows": rows}
