"""The findings report: one self-contained HTML file, and its Markdown summary for the UI.

Charts are plotly figures with plotly.js inlined once, so the file opens offline.
"""

from __future__ import annotations

import html
from datetime import datetime, timezone

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

PEERS = ("KOR", "USA", "DEU", "JPN", "CHN", "TWN")
VERDICT_COLOURS = {"reproduced": "#1a7f37", "not reproduced": "#b42318", "not testable with this data": "#6e7781"}


def share_over_time(servitization: pd.DataFrame, group: str) -> go.Figure:
    rows = servitization.query("industry_code == 'MFG' and service_group == @group and country_code in @PEERS")
    figure = go.Figure()
    for country in PEERS:
        series = rows[rows["country_code"] == country].sort_values("year")
        figure.add_trace(
            go.Scatter(
                x=series["year"], y=series["input_share_total"], name=country, mode="lines+markers",
                line={"width": 4 if country == "KOR" else 2},
            )
        )
    figure.update_layout(
        title=f"{group.replace('_', ' ')} share of manufacturing's intermediate inputs",
        yaxis_title="share of intermediate inputs", xaxis_title="year", height=420,
    )
    return figure


def latest_ranking(servitization: pd.DataFrame, group: str = "all_services") -> go.Figure:
    year = int(servitization["year"].max())
    rows = servitization.query(
        "industry_code == 'MFG' and service_group == @group and year == @year and country_code != 'RoW'"
    ).sort_values("input_share_total")
    colours = ["#d62728" if c == "KOR" else "#7f7f7f" for c in rows["country_code"]]
    figure = go.Figure(go.Bar(x=rows["input_share_total"], y=rows["country_code"], orientation="h", marker_color=colours))
    figure.update_layout(
        title=f"Economies ranked by {group.replace('_', ' ')} share of manufacturing inputs, {year}",
        xaxis_title="share of intermediate inputs", height=900,
    )
    return figure


def coefficient_plot(estimates: pd.DataFrame, title: str) -> go.Figure:
    """Point estimates with 95% intervals; `estimates` has label, coef, ci_low, ci_high."""
    rows = estimates.sort_values("label")
    figure = go.Figure(
        go.Scatter(
            x=rows["coef"], y=rows["label"], mode="markers",
            error_x={"type": "data", "symmetric": False,
                     "array": rows["ci_high"] - rows["coef"], "arrayminus": rows["coef"] - rows["ci_low"]},
        )
    )
    figure.add_vline(x=0, line_dash="dot")
    figure.update_layout(title=title, xaxis_title="coefficient (95% CI, clustered by country×industry)",
                         height=120 + 28 * len(rows))
    return figure


def ledger_html(ledger: pd.DataFrame) -> str:
    columns = ["claim_id", "claim", "published_value", "computed_value", "evidence", "verdict", "reason"]
    head = "".join(f"<th>{c.replace('_', ' ')}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(
            f'<td style="color:{VERDICT_COLOURS.get(row["verdict"], "inherit")};font-weight:600">{html.escape(str(row[c]))}</td>'
            if c == "verdict" else f"<td>{html.escape(str(row[c]))}</td>"
            for c in columns
        ) + "</tr>"
        for _, row in ledger.iterrows()
    )
    return f'<table class="ledger"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def render(sections: list[tuple[str, list[go.Figure]]], ledger: pd.DataFrame, notes: list[str]) -> str:
    parts, first = [], True
    for heading, figures in sections:
        parts.append(f"<h2>{html.escape(heading)}</h2>")
        for figure in figures:
            parts.append(pio.to_html(figure, full_html=False, include_plotlyjs="inline" if first else False))
            first = False
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Manufacturing-services convergence: findings</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1200px; color: #1f2328; }}
table.ledger {{ border-collapse: collapse; width: 100%; font-size: 0.9rem; }}
table.ledger th, table.ledger td {{ border: 1px solid #d0d7de; padding: 0.4rem; vertical-align: top; text-align: left; }}
table.ledger th {{ background: #f6f8fa; }}
</style></head><body>
<h1>Manufacturing–services convergence: what this data shows</h1>
<p>Generated {generated} from the warehouse's marts (WIOD 2013 release, 1995–2011).</p>
<h2 id="claims-ledger">Claims ledger</h2>
{ledger_html(ledger)}
<ul>{"".join(f"<li>{html.escape(n)}</li>" for n in notes)}</ul>
{"".join(parts)}
</body></html>
"""


def markdown_summary(ledger: pd.DataFrame) -> str:
    lines = ["| claim | computed | verdict | reason |", "|---|---|---|---|"]
    for _, row in ledger.iterrows():
        claim = str(row["claim"]).replace("|", "/")
        lines.append(f"| {claim} | {row['computed_value']} | **{row['verdict']}** | {row['reason']} |")
    return "\n".join(lines)
