"""The findings report: one self-contained HTML file, and its Markdown summary for the UI.

The page is rendered from Jinja2 templates (analysis/templates/); charts are plotly figures
with plotly.js inlined once, and the ledger's sorter and filter are a few lines of inline
JavaScript, so the file opens offline. Everything a reader sees is formatted here: numbers
for their unit (formatting.py), codes as words (labels.py), missing values as "n/a" with
the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import jinja2
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from markupsafe import Markup
from plotly.subplots import make_subplots

from dagster_project.analysis import formatting as fmt
from dagster_project.analysis import labels, rank_sensitivity
from dagster_project.analysis.claims import IT_PROXY
from dagster_project.analysis.specification_curve import DIMENSIONS, NOT_TESTABLE

TEMPLATES = Path(__file__).parent / "templates"
PEERS = ("KOR", "USA", "DEU", "JPN", "CHN", "TWN")
KOREA_COLOUR, PEER_COLOURS = "#d62728", ("#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#ff7f0e", "#17becf", "#7f7f7f")
VERDICT_CLASSES = {
    "reproduced": "holds", "not reproduced": "fails", "differs": "fails", "not testable with this data": "untestable",
}
SOURCES = {
    "wiod": "WIOD 2013 release (world input-output tables, 1995–2011)",
    "income": "World Bank income-group history",
    "wdi": "World Bank WDI (~2025 vintage)",
    "itu": "ITU ICT Development Index 2017",
    "patstat": "PATSTAT (PCT applications by OECD technology level)",
    "ncses": "NCSES (patent families in WIPO high-tech fields)",
    "kita": "published figures of the KITA 2021 study",
}
QUALITATIVE = "the study states this finding without a figure"
CURVE_OUTCOME_COLOURS = {"supports": "#1a7f37", "inconclusive": "#8c959f", "contradicts": "#cf222e"}
CURVE_EFFECT_TITLES = {
    "f2_it_most": "IT proxy minus rival, 1-sd effects (log points)",
    None: "effect of 1 sd of convergence (log points)",
}


@dataclass
class ReportData:
    """What the report reads from the warehouse (defs/analysis/assets.py queries it)."""

    servitization: pd.DataFrame  # marts.fct_manufacturing_servitization, WIOD 2013, industry MFG
    curve: pd.DataFrame  # analytics.specification_curve
    curve_verdicts: pd.DataFrame  # analytics.specification_curve_verdicts
    convergence_ledger: pd.DataFrame  # analytics.convergence_claims_ledger
    innovation_ledger: pd.DataFrame = field(default_factory=pd.DataFrame)  # marts.claims_ledger
    innovation_index: pd.DataFrame = field(default_factory=pd.DataFrame)  # marts.fct_innovation_index
    rank_sensitivity: pd.DataFrame = field(default_factory=pd.DataFrame)  # marts.claims_rank_sensitivity
    country_names: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# The ledger: both studies' claims in one list of display rows, in the report's order
# ---------------------------------------------------------------------------------------------

def _claim_number(claim_id: str) -> int:
    match = re.search(r"_(\d+)$", str(claim_id))
    return int(match.group(1)) if match else 0


def _published_decimals(value: float) -> int:
    """Published figures keep their own precision (one decimal, or two when they have two)."""
    return 1 if round(value, 1) == round(value, 2) else 2


def _innovation_unit(row) -> str:
    """The unit of the published and computed values. The implied 2001-10 growth is a growth
    rate (published 2011-19 growth minus its published change), though its figure's unit is
    the change's percentage points."""
    if row.get("test_method") in ("export_cagr", "export_cagr_implied"):
        return "percent"
    return str(row.get("unit") or "")


def _innovation_value(value, unit: str, published: bool = False) -> str:
    x = fmt.number(value)
    if x is None:
        return "n/a"
    if unit == "percent":
        return fmt.percent(x, _published_decimals(x) if published else 2)
    if unit == "percentage_points":
        return fmt.points(x, _published_decimals(x) if published else 2)
    return fmt.by_unit(x, unit)


def _difference(value, unit: str) -> str:
    if fmt.number(value) is None:
        return "n/a"
    if unit == "rank":
        return fmt.integer(value, signed=True) + " places"
    return fmt.points(value, 2)


def _na(text: str, reason: str) -> str:
    return str(fmt.NotAvailable(reason)) if text == "n/a" else text


def _component_lookup(index: pd.DataFrame) -> dict[tuple[str, int, str], dict]:
    """(economy, reference year, component) -> value, its year, world rank and world n."""
    lookup = {}
    if index.empty:
        return lookup
    for _, row in index.iterrows():
        for component in labels.COMPONENTS:
            if component in row:
                lookup[(row["country_iso3"], int(row["reference_year"]), component)] = {
                    "value": row[component], "year": row.get(f"{component}_year"),
                    "world_rank": row.get(f"{component}_world_rank"), "world_n": row.get(f"{component}_world_n"),
                }
    return lookup


def _component_value(component: str, value) -> str:
    return fmt.fixed(value, 2) if component == "ict_idi" else fmt.percent(value, 2)


def convergence_rows(ledger: pd.DataFrame) -> list[dict]:
    rows = []
    for _, claim in ledger.iterrows():
        finding = str(claim["finding"])
        published = "" if fmt.missing(claim.get("published_value")) else str(claim["published_value"])
        computed = "" if fmt.missing(claim.get("computed_value")) else labels.words(str(claim["computed_value"]))
        rows.append(
            {
                "study": "kiet2018", "study_label": labels.STUDIES["kiet2018"], "section": f"f{finding}",
                "section_label": labels.label(labels.FINDINGS, finding),
                "order": (0, int(finding) if finding.isdigit() else 99, _claim_number(claim["claim_id"]), ""),
                "claim_id": claim["claim_id"], "claim": claim["claim"],
                "published": published or str(fmt.NotAvailable(QUALITATIVE)), "published_sort": "",
                "computed": computed or str(fmt.NotAvailable("no figure: " + str(claim["reason"]))),
                "computed_sort": "",
                "difference": str(fmt.NotAvailable("no published figure")), "difference_sort": "",
                "evidence": labels.words(str(claim.get("evidence") or "")) or "n/a",
                "verdict": claim["verdict"], "reason": labels.words(str(claim["reason"])),
            }
        )
    return rows


def innovation_rows(ledger: pd.DataFrame, index: pd.DataFrame, names: dict[str, str]) -> list[dict]:
    components = _component_lookup(index)
    group_order = list(labels.CLAIM_GROUPS)
    component_order = list(labels.COMPONENTS)
    rows = []
    for _, claim in ledger.iterrows():
        claim = claim.to_dict()
        unit = _innovation_unit(claim)
        economy = claim.get("country_or_region")
        component = claim.get("component")
        reference_year = fmt.number(claim.get("reference_year"))
        published_x, computed_x = fmt.number(claim.get("published_value")), fmt.number(claim.get("computed_value"))
        reason = labels.words(str(claim.get("reason") or ""))
        evidence = ""
        if claim.get("test_method") == "world_rank" and not fmt.missing(component) and reference_year is not None:
            found = components.get((economy, int(reference_year), component))
            if found and fmt.number(found["value"]) is not None:
                evidence = (
                    f"{labels.country(economy, names)}, {labels.label(labels.COMPONENTS, component)}: "
                    f"{_component_value(component, found['value'])} ({fmt.year(found['year'])}), "
                    f"world rank {fmt.integer(found['world_rank'])} of {fmt.integer(found['world_n'])}"
                )
                set_rank, set_n = fmt.number(claim.get("comparison_set_rank")), fmt.number(claim.get("comparison_set_size"))
                if set_rank is not None and set_n is not None:
                    evidence += f"; rank {fmt.integer(set_rank)} of {fmt.integer(set_n)} in the comparison set"
        elif (str(claim.get("test_method")).startswith("export_cagr") and computed_x is not None
              and not fmt.missing(claim.get("computed_from_release"))):
            evidence = f"computed from the {labels.label(labels.RELEASES, claim['computed_from_release'])} release"
        group = str(claim.get("claim_group") or "")
        untestable_reason = reason.split(";")[0] if reason else "not measured here"
        rows.append(
            {
                "study": "kita2021", "study_label": labels.STUDIES["kita2021"], "section": group,
                "section_label": labels.label(labels.CLAIM_GROUPS, group),
                "order": (
                    1, group_order.index(group) if group in group_order else len(group_order),
                    component_order.index(component) if component in component_order else len(component_order),
                    f"{economy}|{claim.get('period') or ''}|{claim['claim_id']}",
                ),
                "claim_id": claim["claim_id"], "claim": claim["claim"],
                "published": _na(_innovation_value(published_x, unit, published=True),
                                 "the figure is not in the study's published figures"),
                "published_sort": "" if published_x is None else repr(published_x),
                "computed": _na(_innovation_value(computed_x, unit), untestable_reason),
                "computed_sort": "" if computed_x is None else repr(computed_x),
                "difference": _na(_difference(claim.get("difference"), unit), "nothing computed to compare"),
                "difference_sort": "" if fmt.number(claim.get("difference")) is None else repr(float(claim["difference"])),
                "evidence": evidence or "n/a",
                "verdict": claim["verdict"], "reason": reason,
                # kept for the summary's sentences
                "_unit": unit, "_published": published_x, "_computed": computed_x, "_economy": economy,
                "_component": component, "_reference_year": reference_year, "_test_method": claim.get("test_method"),
                "_period": claim.get("period"), "_tolerance": fmt.number(claim.get("tolerance")),
                "_world_n": (components.get((economy, int(reference_year), component)) or {}).get("world_n")
                if reference_year is not None and not fmt.missing(component) else None,
            }
        )
    return rows


def ledger_rows(data: ReportData) -> list[dict]:
    """Every claim of both studies, ordered by study, finding or claim group, and claim."""
    rows = convergence_rows(data.convergence_ledger)
    if not data.innovation_ledger.empty:
        rows += innovation_rows(data.innovation_ledger, data.innovation_index, data.country_names)
    rows.sort(key=lambda r: r["order"])
    for number, row in enumerate(rows, start=1):
        row["number"] = number
        row["verdict_class"] = VERDICT_CLASSES.get(row["verdict"], "untestable")
        row["verdict_label"] = labels.label(labels.VERDICTS, row["verdict"])
    return rows


# ---------------------------------------------------------------------------------------------
# The summary: sentences computed from the ledger rows
# ---------------------------------------------------------------------------------------------

def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _convergence_sentence(row: dict) -> str:
    computed = "" if row["computed"].startswith("n/a") else f": {row['computed']}"
    return _sentence(f"{row['claim']} — {row['reason']}{computed}")


def _year_or_period(row: dict) -> str:
    if row["_reference_year"] is not None:
        return fmt.year(row["_reference_year"])
    period = str(row.get("_period") or "")
    match = re.search(r"(\d{4})_(\d{4})", period)
    return f"{match.group(1)}–{match.group(2)}" if match else labels.label({}, period)


def _rank_part(row: dict, names: dict[str, str], holds: bool) -> str:
    of = f" of {fmt.integer(row['_world_n'])}" if fmt.number(row["_world_n"]) is not None else ""
    published = "as published" if holds else f"published {fmt.ordinal(row['_published'])}"
    return f"{labels.country(row['_economy'], names)} {fmt.ordinal(row['_computed'])}{of} ({published})"


def _growth_part(row: dict, names: dict[str, str], holds: bool) -> str:
    value = _innovation_value(row["_computed"], row["_unit"])
    published = _innovation_value(row["_published"], row["_unit"], published=True)
    within = f", within ±{fmt.fixed(row['_tolerance'], 1)} pp" if holds and row["_tolerance"] is not None else ""
    return f"{labels.country(row['_economy'], names)} {value} a year (published {published}{within})"


def _innovation_sentences(rows: list[dict], names: dict[str, str], holds: bool) -> list[str]:
    """One sentence per claim group and component or period: 'R&D expenditure (% of GDP), 2018:
    Korea 2nd of 147 (as published); Germany 5th of 147 (published 7th).'"""
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        key = (row["order"][:3], row["_component"] if row["_test_method"] == "world_rank" else row["_test_method"],
               _year_or_period(row))
        groups.setdefault(key, []).append(row)
    sentences = []
    for (_, subject, when), members in groups.items():
        first = members[0]
        if first["_test_method"] == "world_rank":
            parts = [_rank_part(r, names, holds) for r in members]
            title = f"World rank on {labels.label(labels.COMPONENTS, subject)}, {when}"
        elif str(first["_test_method"]).startswith("export_cagr"):
            parts = [_growth_part(r, names, holds) for r in members]
            title = f"Growth of intermediate-goods exports, {when}"
            if first["_test_method"] == "export_cagr_implied":
                title += " (implied by the study's 2011–19 growth and its change)"
        else:
            parts = [f"{r['claim']}: {r['computed']} (published {r['published']})" for r in members]
            title = first["section_label"]
        sentences.append(_sentence(f"{title}: " + "; ".join(parts)))
    return sentences


def _range(rows: list[dict]) -> str:
    units = {r["_unit"] for r in rows}
    values = [r["_published"] for r in rows if r["_published"] is not None]
    if len(units) != 1 or not values:
        return ""
    unit = units.pop()
    low, high = min(values), max(values)
    if low == high:
        return f"; published {_innovation_value(low, unit, published=True)}"
    return f"; published {_innovation_value(low, unit, True)} to {_innovation_value(high, unit, True)}"


def _untestable_sentences(rows: list[dict]) -> list[str]:
    sentences = [_sentence(f"{r['claim']} — {r['reason']}") for r in rows if r["study"] == "kiet2018"]
    groups: dict[tuple, list[dict]] = {}
    for row in (r for r in rows if r["study"] == "kita2021"):
        groups.setdefault((row["section_label"], row["reason"].split(";")[0].strip()), []).append(row)
    for (section, reason), members in groups.items():
        figure = "figure" if len(members) == 1 else "figures"
        sentences.append(_sentence(f"{section} ({len(members)} {figure}{_range(members)}): {reason}"))
    return sentences


def summary(rows: list[dict], names: dict[str, str]) -> dict:
    by_class = {c: [r for r in rows if r["verdict_class"] == c] for c in ("holds", "fails", "untestable")}

    def sentences(kind: str) -> list[str]:
        chosen = by_class[kind]
        if kind == "untestable":
            return _untestable_sentences(chosen)
        return [_convergence_sentence(r) for r in chosen if r["study"] == "kiet2018"] + _innovation_sentences(
            [r for r in chosen if r["study"] == "kita2021"], names, holds=kind == "holds"
        )

    counts = {kind: len(members) for kind, members in by_class.items()}
    per_study = {
        study: {kind: sum(1 for r in members if r["study"] == study) for kind, members in by_class.items()}
        for study in labels.STUDIES
    }
    lead = (
        f"Of the {len(rows)} claims checked, {counts['holds']} hold, {counts['fails']} do not and "
        f"{counts['untestable']} cannot be tested with this data"
    )
    study_parts = [
        f"{labels.STUDIES[s].split(' (')[0].lower()}: {c['holds']} of {sum(c.values())} hold"
        for s, c in per_study.items() if sum(c.values())
    ]
    return {
        "lead": _sentence(lead + (" (" + "; ".join(study_parts) + ")" if study_parts else "")),
        "counts": counts,
        "holds": sentences("holds"),
        "fails": sentences("fails"),
        "untestable": sentences("untestable"),
    }


# ---------------------------------------------------------------------------------------------
# Charts
# ---------------------------------------------------------------------------------------------

def _with_source(figure: go.Figure, sources: list[str], note: str = "") -> go.Figure:
    """The figure's source line, kept in its layout's `meta` and printed under it as a caption."""
    text = "Source: " + "; ".join(SOURCES[s] for s in sources) + "." + (f" {_sentence(note)}" if note else "")
    figure.update_layout(meta={"source": text}, margin={"l": 80, "r": 30, "t": 80, "b": 60})
    return figure


def source_note(figure: go.Figure) -> str:
    meta = figure.layout.meta
    return meta.get("source", "") if isinstance(meta, dict) else ""


def _peer_colour(code: str) -> str:
    """Korea red; each peer the same colour in every chart."""
    if code == "KOR":
        return KOREA_COLOUR
    i = PEERS.index(code) if code in PEERS else len(PEERS)
    return PEER_COLOURS[i % len(PEER_COLOURS)]


def share_over_time(servitization: pd.DataFrame, group: str, names: dict[str, str] | None = None) -> go.Figure:
    rows = servitization.query("industry_code == 'MFG' and service_group == @group and country_code in @PEERS")
    figure = go.Figure()
    for code in (c for c in PEERS if c in set(rows["country_code"])):
        series = rows[rows["country_code"] == code].sort_values("year")
        figure.add_trace(
            go.Scatter(
                x=series["year"], y=100 * series["input_share_total"], name=labels.country(code, names),
                mode="lines+markers", line={"width": 4 if code == "KOR" else 2, "color": _peer_colour(code)},
                hovertemplate="%{fullData.name}, %{x}: %{y:.2f}%<extra></extra>",
            )
        )
    figure.update_layout(
        title=f"{labels.label(labels.SERVICE_GROUPS, group)} inputs as a share of manufacturing's intermediate inputs",
        yaxis_title="% of intermediate inputs", xaxis_title="year", height=440, yaxis_ticksuffix="%",
    )
    return _with_source(figure, ["wiod"], "Total manufacturing; domestic and imported inputs")


def latest_ranking(servitization: pd.DataFrame, group: str = "business", names: dict[str, str] | None = None) -> go.Figure:
    year = int(servitization["year"].max())
    rows = servitization.query(
        "industry_code == 'MFG' and service_group == @group and year == @year and country_code != 'RoW'"
    ).sort_values("input_share_total")
    colours = [KOREA_COLOUR if c == "KOR" else "#8c959f" for c in rows["country_code"]]
    median = 100 * float(rows["input_share_total"].median()) if len(rows) else 0.0
    figure = go.Figure(
        go.Bar(
            x=100 * rows["input_share_total"], y=[labels.country(c, names) for c in rows["country_code"]],
            orientation="h", marker_color=colours, hovertemplate="%{y}: %{x:.2f}%<extra></extra>",
        )
    )
    figure.add_vline(x=median, line_dash="dot", annotation_text=f"median {fmt.percent(median)}",
                     annotation_position="top right")
    figure.update_layout(
        title=f"Economies ranked by the {labels.label(labels.SERVICE_GROUPS, group).lower()} share of manufacturing inputs, {year}",
        xaxis_title="% of manufacturing's intermediate inputs", xaxis_ticksuffix="%",
        height=max(360, 140 + 20 * len(rows)),
    )
    return _with_source(figure, ["wiod"], "Korea in red")


def _choices(row) -> str:
    """A specification's choices in words, in the grid's order."""
    return "; ".join(labels.label(labels.CURVE_CHOICES, row[d]) for d in DIMENSIONS if not fmt.missing(row[d]))


def specification_curve_chart(curve: pd.DataFrame, verdict: dict) -> go.Figure:
    """Simonsohn, Simmons and Nelson's (2020) chart of one claim: the counted specifications sorted
    by their one-standard-deviation effect with 95% intervals, over a panel marking each one's
    choices, both coloured by outcome; the study's own specifications as diamonds. Mechanically
    biased specifications are not drawn (the caption counts them)."""
    counted = curve[curve["outcome"].isin(CURVE_OUTCOME_COLOURS)].sort_values(["effect_1sd", "spec_id"])
    counted = counted.reset_index(drop=True).assign(rank=lambda f: f.index + 1)
    dimensions = [d for d in DIMENSIONS if counted[d].nunique() > 1]
    choice_rows = [
        f"{labels.label(labels.CURVE_DIMENSIONS, d)}: {labels.label(labels.CURVE_CHOICES, c)}"
        for d in dimensions for c in labels.CURVE_CHOICES if c in set(counted[d])
    ]
    curve_height, row_height = 300, 21  # pixels: the estimates, and each choice's row beneath
    figure = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.03,
                           row_heights=[curve_height, row_height * max(len(choice_rows), 1)])
    for outcome, colour in CURVE_OUTCOME_COLOURS.items():
        chosen = counted[counted["outcome"] == outcome]
        if chosen.empty:
            continue
        figure.add_trace(
            go.Scatter(
                x=chosen["rank"], y=chosen["effect_1sd"], mode="markers", name=outcome, legendgroup=outcome,
                marker={"size": 5, "color": colour},
                error_y={"type": "data", "symmetric": False, "array": chosen["effect_1sd_high"] - chosen["effect_1sd"],
                         "arrayminus": chosen["effect_1sd"] - chosen["effect_1sd_low"], "color": colour,
                         "thickness": 1, "width": 0},
                customdata=[[_choices(r), fmt.p_value(r["p_value"]), r["inference"], fmt.integer(r["n_obs"])]
                            for _, r in chosen.iterrows()],
                hovertemplate="%{customdata[0]}<br>effect %{y:.3f}, p = %{customdata[1]} (%{customdata[2]}), "
                "n = %{customdata[3]}<extra>" + outcome + "</extra>",
            ),
            row=1, col=1,
        )
        marks = [(rank, f"{labels.label(labels.CURVE_DIMENSIONS, d)}: {labels.label(labels.CURVE_CHOICES, choice)}")
                 for d in dimensions for rank, choice in zip(chosen["rank"], chosen[d])]
        figure.add_trace(
            go.Scatter(x=[m[0] for m in marks], y=[m[1] for m in marks], mode="markers", legendgroup=outcome,
                       showlegend=False, hoverinfo="skip", marker={"symbol": "line-ns-open", "size": 8, "color": colour}),
            row=2, col=1,
        )
    study = counted[counted["is_study_specification"]]
    if not study.empty:
        figure.add_trace(
            go.Scatter(x=study["rank"], y=study["effect_1sd"], mode="markers", name="the study's specification",
                       marker={"symbol": "diamond-open", "size": 12, "color": "#24292f", "line": {"width": 2}},
                       hoverinfo="skip"),
            row=1, col=1,
        )
    figure.add_hline(y=0, line_dash="dot", line_color="#57606a", row=1, col=1)
    figure.update_yaxes(title_text=CURVE_EFFECT_TITLES.get(verdict["claim_key"], CURVE_EFFECT_TITLES[None]), row=1, col=1)
    figure.update_yaxes(categoryorder="array", categoryarray=list(reversed(choice_rows)), tickmode="array",
                        tickvals=choice_rows, automargin=True, tickfont={"size": 11}, row=2, col=1)
    figure.update_xaxes(title_text="specifications, sorted by the estimated effect", row=2, col=1)
    shares = (f"{fmt.share_as_percent(verdict['share_supporting'], 0)} support, "
              f"{fmt.share_as_percent(verdict['share_contradicting'], 0)} contradict, "
              f"{fmt.share_as_percent(verdict['share_inconclusive'], 0)} inconclusive")
    figure.update_layout(
        title=f"{verdict['claim']}: {verdict['verdict']} ({shares} of {fmt.integer(verdict['n_counted'])})",
        height=180 + curve_height + row_height * len(choice_rows),
        legend={"orientation": "h", "y": 1.02, "x": 1, "xanchor": "right", "yanchor": "bottom"},
    )
    figure = _with_source(
        figure, ["wiod", "income"],
        f"Each column is one specification; bars are 95% intervals; {fmt.integer(verdict['n_mechanically_biased'])} "
        "mechanically biased specifications are left out and not drawn",
    )
    figure.layout.meta = {**figure.layout.meta, "claim": verdict["claim_key"]}
    return figure


def _peer_index(index: pd.DataFrame, year: int) -> pd.DataFrame:
    rows = index[(index["reference_year"] == year) & index["country_iso3"].isin(PEERS)]
    return rows.set_index("country_iso3").reindex([c for c in PEERS if c in set(rows["country_iso3"])])


def innovation_components(index: pd.DataFrame, year: int, names: dict[str, str]) -> go.Figure:
    """Each component's value for Korea and its peers, one panel (and unit) per component."""
    rows = _peer_index(index, year)
    components = [c for c in labels.COMPONENTS if c in rows.columns]
    figure = make_subplots(rows=1, cols=len(components), horizontal_spacing=0.06,
                           subplot_titles=[labels.COMPONENTS_SHORT[c] for c in components])
    countries = [labels.country(c, names) for c in rows.index]
    for col, component in enumerate(components, start=1):
        values = rows[component]
        world = [
            f"world rank {fmt.integer(r)} of {fmt.integer(n)}, value of {fmt.year(y)}"
            if fmt.number(r) is not None else "no value"
            for r, n, y in zip(rows[f"{component}_world_rank"], rows[f"{component}_world_n"], rows[f"{component}_year"])
        ]
        figure.add_trace(
            go.Bar(
                x=countries, y=values, marker_color=[_peer_colour(c) for c in rows.index],
                customdata=world, showlegend=False,
                hovertemplate="%{x}: %{y:.2f}<br>%{customdata}<extra></extra>",
            ),
            row=1, col=col,
        )
        figure.update_yaxes(title_text="index, 0–10" if component == "ict_idi" else "%", row=1, col=col,
                            ticksuffix="" if component == "ict_idi" else "%")
    figure.update_layout(title=f"Innovation index components, Korea and its peers, reference year {year}", height=460)
    missing = [labels.country(c, names) for c in PEERS if c not in rows.index]
    note = f"Latest value at or before {year}" + (f"; no data for {', '.join(missing)}" if missing else "")
    return _with_source(figure, ["wdi", "patstat", "ncses", "itu"], note)


def innovation_ranks(index: pd.DataFrame, year: int, names: dict[str, str]) -> go.Figure:
    """Ranks within the comparison set: each component in `year`, and the composites over the years."""
    rows = _peer_index(index, year)
    components = [c for c in labels.COMPONENTS if f"{c}_rank" in rows.columns and rows[f"{c}_rank"].notna().any()]
    composites = [c for c in labels.COMPOSITES if f"{c}_rank" in rows.columns]
    ranked = rows[[f"{c}_rank" for c in components + composites]].notna().any(axis=1)
    rows = rows[ranked]
    figure = make_subplots(rows=1, cols=2, column_widths=[0.58, 0.42], horizontal_spacing=0.1,
                           subplot_titles=[f"Rank in the comparison set, {year}",
                                           "Composite rank (mean z-score) by reference year"])
    years = sorted(int(y) for y in index["reference_year"].unique())
    for code in rows.index:
        colour = _peer_colour(code)
        name = labels.country(code, names)
        categories = [labels.COMPONENTS_SHORT[c] for c in components] + [labels.COMPOSITES[c] for c in composites]
        ranks = [rows.loc[code, f"{c}_rank"] for c in components + composites]
        figure.add_trace(
            go.Scatter(x=categories, y=ranks, name=name, mode="markers+lines", legendgroup=code,
                       line={"color": colour, "width": 3 if code == "KOR" else 1, "dash": "dot"},
                       marker={"size": 12 if code == "KOR" else 9, "color": colour},
                       hovertemplate=f"{name}, %{{x}}: rank %{{y:.0f}}<extra></extra>"),
            row=1, col=1,
        )
        series = index[(index["country_iso3"] == code)].sort_values("reference_year")
        figure.add_trace(
            go.Scatter(x=series["reference_year"], y=series.get("composite_zscore_rank"), name=name, legendgroup=code,
                       showlegend=False, mode="markers+lines", line={"color": colour, "width": 3 if code == "KOR" else 1.5},
                       hovertemplate=f"{name}, %{{x}}: rank %{{y:.0f}}<extra></extra>"),
            row=1, col=2,
        )
    figure.update_yaxes(autorange="reversed", title_text="rank in the comparison set (1 = highest)", tickformat="d",
                        row=1, col=1)
    figure.update_yaxes(autorange="reversed", title_text="rank (1 = highest)", tickformat="d", row=1, col=2)
    figure.update_xaxes(tickvals=years, tickformat="d", title_text="reference year", row=1, col=2)
    figure.update_layout(title="Innovation index ranks, Korea and its peers", height=520)
    size = fmt.integer(index["comparison_set_size"].max()) if "comparison_set_size" in index else "n/a"
    missing = [labels.country(c, names) for c in PEERS if c not in rows.index]
    return _with_source(figure, ["wdi", "patstat", "ncses", "itu"],
                        f"Comparison set: the {size} economies reporting all four components (the WIPO-field patent "
                        "share, from about 40 economies, is ranked among the members reporting it)"
                        + (f"; not in the set: {', '.join(missing)}" if missing else ""))


def rank_claims_chart(rows: list[dict], names: dict[str, str]) -> go.Figure | None:
    """Published against computed world rank, one line per rank claim."""
    claims = [r for r in rows if r.get("_test_method") == "world_rank" and r["_computed"] is not None]
    if not claims:
        return None
    ys = [f"{labels.country(r['_economy'], names)}: {labels.COMPONENTS_SHORT.get(r['_component'], r['_component'])}"
          for r in claims]
    figure = go.Figure()
    for y, r in zip(ys, claims):
        figure.add_trace(go.Scatter(x=[r["_published"], r["_computed"]], y=[y, y], mode="lines",
                                    line={"color": "#d0d7de", "width": 3}, showlegend=False, hoverinfo="skip"))
    figure.add_trace(go.Scatter(x=[r["_published"] for r in claims], y=ys, mode="markers", name="published rank",
                                marker={"size": 11, "color": "#8c959f", "symbol": "diamond"},
                                hovertemplate="%{y}: published %{x:.0f}<extra></extra>"))
    figure.add_trace(go.Scatter(x=[r["_computed"] for r in claims], y=ys, mode="markers", name="computed rank",
                                marker={"size": 11, "color": [KOREA_COLOUR if r["verdict"] != "reproduced" else "#1a7f37"
                                                              for r in claims]},
                                hovertemplate="%{y}: computed %{x:.0f}<extra></extra>"))
    figure.update_yaxes(categoryorder="array", categoryarray=list(reversed(list(dict.fromkeys(ys)))), automargin=True)
    figure.update_xaxes(title_text="world rank (1 = highest)", rangemode="tozero", tickformat="d")
    figure.update_layout(title="Published and computed world ranks (green: reproduced, red: differs)",
                         height=200 + 32 * len(claims), legend={"orientation": "h", "y": 1.02, "x": 1,
                                                                "xanchor": "right", "yanchor": "bottom"})
    return _with_source(figure, ["kita", "wdi", "patstat", "ncses", "itu"])


def _reference_year(data: ReportData) -> int | None:
    """The reference year most rank claims are about (the study's 2018), else the latest."""
    if data.innovation_index.empty:
        return None
    years = {int(y) for y in data.innovation_index["reference_year"].unique()}
    if not data.innovation_ledger.empty and "reference_year" in data.innovation_ledger:
        claimed = pd.to_numeric(data.innovation_ledger["reference_year"], errors="coerce").dropna().astype(int)
        claimed = claimed[claimed.isin(years)]
        if len(claimed):
            return int(claimed.mode().sort_values().iloc[-1])
    return max(years)


def curve_charts(curve: pd.DataFrame, verdicts: pd.DataFrame) -> dict[str, list[go.Figure]]:
    """One specification-curve chart per testable claim, under its finding's section ('f2', ...)."""
    figures: dict[str, list[go.Figure]] = {}
    for verdict in verdicts.sort_values("claim_number").to_dict("records"):
        if verdict["verdict"] != NOT_TESTABLE:
            figure = specification_curve_chart(curve[curve["claim_key"] == verdict["claim_key"]], verdict)
            figures.setdefault(f"f{verdict['finding']}", []).append(figure)
    return figures


def charts(data: ReportData, rows: list[dict]) -> dict[str, list[go.Figure]]:
    """The figures of each section, keyed like the ledger's sections."""
    names = data.country_names
    figures: dict[str, list[go.Figure]] = {
        "f1": [
            share_over_time(data.servitization, IT_PROXY, names),
            share_over_time(data.servitization, "business", names),
            latest_ranking(data.servitization, "business", names),
        ],
        **curve_charts(data.curve, data.curve_verdicts),
    }
    year = _reference_year(data)
    if year is not None:
        figures["innovation_index"] = [
            innovation_components(data.innovation_index, year, names),
            innovation_ranks(data.innovation_index, year, names),
        ]
    ranks = rank_claims_chart(rows, names)
    if ranks is not None:
        figures["innovation_rank"] = [ranks]
    sensitivity = rank_sensitivity.charts(data.rank_sensitivity, names)
    if sensitivity:
        figures["rank_sensitivity"] = [
            _with_source(figure, ["kita", "wdi", "patstat", "ncses", "itu"],
                         "Each dot is the claimed economy's rank in one cell of the grid declared in the seeds "
                         "innovation_reference_years and innovation_rank_populations; an economy outside a "
                         "population, or without a value at or before the year, is not drawn there")
            for figure in sensitivity
        ]
    return figures


# ---------------------------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------------------------

def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    )


def _figure_html(figures: dict[str, list[go.Figure]]) -> dict[str, list[dict]]:
    """Each figure as a <div> and its source note; plotly.js goes inline with the first one only."""
    html, first = {}, True
    for key, members in figures.items():
        html[key] = []
        for figure in members:
            div = pio.to_html(figure, full_html=False, include_plotlyjs="inline" if first else False,
                              config={"displaylogo": False, "responsive": True})
            meta = figure.layout.meta if isinstance(figure.layout.meta, dict) else {}
            html[key].append({"div": Markup(div), "source": source_note(figure), "claim": meta.get("claim", "")})
            first = False
    return html


def sections(rows: list[dict]) -> list[dict]:
    """Studies, each with its sections (finding or claim group) and their ledger rows, in order."""
    studies: dict[str, dict] = {}
    for row in rows:
        study = studies.setdefault(row["study"], {"key": row["study"], "label": row["study_label"], "sections": {}})
        study["sections"].setdefault(row["section"], {"key": row["section"], "label": row["section_label"], "rows": []})
        study["sections"][row["section"]]["rows"].append(row)
    return [{**s, "sections": list(s["sections"].values())} for s in studies.values()]


def curve_rule(verdicts: pd.DataFrame) -> str:
    """The rule that turned the curves into verdicts, as the verdict table states it."""
    return str(verdicts["rule"].iloc[0]) if not verdicts.empty else ""


def render(data: ReportData, notes: list[str], generated: datetime | None = None) -> str:
    rows = ledger_rows(data)
    names = data.country_names
    figures = _figure_html(charts(data, rows))
    year = _reference_year(data)
    years = data.servitization["year"] if not data.servitization.empty else pd.Series(dtype=int)
    return _environment().get_template("findings_report.html.j2").render(
        title="Manufacturing–services convergence and manufacturing innovation: what this data shows",
        generated=(generated or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC"),
        wiod_years=f"{fmt.year(years.min())}–{fmt.year(years.max())}" if len(years) else "n/a",
        summary=summary(rows, names),
        studies=sections(rows),
        figures=figures,
        index_year=year,
        rank_sensitivity=rank_sensitivity.table(data.rank_sensitivity, names),
        curve_rule=curve_rule(data.curve_verdicts),
        rows=rows,
        verdicts=sorted({r["verdict_label"] for r in rows}),
        notes=notes,
        sources=SOURCES,
    )


def markdown_summary(data_or_rows) -> str:
    """The ledger as a Markdown table for the Dagster UI, formatted like the report."""
    rows = ledger_rows(data_or_rows) if isinstance(data_or_rows, ReportData) else data_or_rows
    lines = ["| claim | published | computed | verdict | reason |", "|---|---|---|---|---|"]
    for row in rows:
        cells = [row["claim"], row["published"], row["computed"], f"**{row['verdict_label']}**", row["reason"]]
        lines.append("| " + " | ".join(str(c).replace("|", "/").replace("\n", " ") for c in cells) + " |")
    return "\n".join(lines)
