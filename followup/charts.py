"""Charts as SVG, drawn on the server with matplotlib, each with a text alternative.

Text in the SVG stays text (not glyph outlines), so the page and the PDF can be
searched and read aloud; the alternative says in words what the chart shows.
"""

import io
import re
from dataclasses import dataclass
from functools import cache

from flask import g, has_app_context
from markupsafe import Markup, escape

TONE_COLOURS = {"good": "#2e7d4f", "partial": "#d9a22b", "bad": "#b33a3a",
                "neutral": "#8a94a3", "not_applicable": "#c7ccd3", None: "#8a94a3"}
# Numbers on the light bars are dark, on the dark bars white: both legible.
TEXT_ON = {"partial": "#1d2430", "neutral": "#1d2430", "not_applicable": "#1d2430", None: "#1d2430"}


@dataclass
class Chart:
    svg: Markup
    alt: str  # the text alternative: what the chart shows, in words


@cache
def _pyplot():
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    matplotlib.rcParams.update({
        "svg.fonttype": "none", "font.family": "sans-serif",
        "font.sans-serif": ["Liberation Sans", "DejaVu Sans"], "font.size": 9,
        "svg.hashsalt": "followup",  # the same data draws the same SVG
        "axes.spines.top": False, "axes.spines.right": False,
        # Labels are data: "$\\frac{" is a title, not a formula to typeset (or to fail on).
        "text.parse_math": False,
    })
    return plt


def _svg(fig, chart_id, alt):
    plt = _pyplot()
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]
    prefix = _unique_id(chart_id)
    svg = _prefix_ids(svg, prefix)
    # matplotlib's one style element would need an exception in the page's CSP; the
    # same rule as inherited attributes on the root draws the same.
    svg = _STYLE.sub("", svg, count=1)
    svg = svg.replace("<svg ", f'<svg role="img" aria-labelledby="{prefix}" '
                               'stroke-linejoin="round" stroke-linecap="butt" ', 1)
    first_close = svg.index(">") + 1
    svg = svg[:first_close] + f'<title id="{prefix}">{escape(alt)}</title>' + svg[first_close:]
    return Markup(svg)


_STYLE = re.compile(
    r'<style type="text/css">\*\{stroke-linejoin: round; stroke-linecap: butt\}</style>')
_ID_REFERENCES = re.compile(r'(\bid="|\bxlink:href="#|\bhref="#|url\(#)([^"()]+)')


def _unique_id(chart_id):
    """The chart's id, made of safe characters and unique on the page being drawn.

    Callers name charts after keys; the same chart may be drawn twice on a page (a
    table after a section and in an appendix). Within one request (a page, a case
    rendered to PDF) a repeated id gets -2, -3: the same data still draws the same SVG.
    """
    base = re.sub(r"[^A-Za-z0-9_-]+", "-", str(chart_id)).strip("-") or "diagram"
    if not base[0].isalpha():
        base = "diagram-" + base
    if not has_app_context():
        return base
    taken = g.setdefault("chart_ids", set())
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _prefix_ids(svg, prefix):
    """matplotlib names its elements figure_1, patch_1 …: the same in every chart. Each
    id, and every reference to one, gets the chart's own prefix."""
    return _ID_REFERENCES.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", svg)


def stacked_levels(title, rows, levels, chart_id):
    """One horizontal bar per row, split by level. ``rows``: [(label, {level: n})];
    ``levels``: the scale's levels in order. The text alternative lists the counts."""
    plt = _pyplot()
    labels = [label for label, _ in rows]
    fig, ax = plt.subplots(figsize=(6.3, 0.45 * len(rows) + 1.1))
    left = [0] * len(rows)
    for level in levels:
        counts = [row.get(level.key, 0) for _, row in rows]
        if not any(counts):
            continue
        ax.barh(labels, counts, left=left, color=TONE_COLOURS.get(level.tone), label=level.label,
                edgecolor="white", height=0.6)
        for i, (n, start) in enumerate(zip(counts, left)):
            if n:
                ax.text(start + n / 2, i, str(n), ha="center", va="center",
                        color=TEXT_ON.get(level.tone, "white"), fontsize=8, fontweight="bold")
        left = [a + b for a, b in zip(left, counts)]
    ax.invert_yaxis()
    ax.set_title(title, loc="left", fontsize=10, fontweight="bold")
    ax.xaxis.set_visible(False)
    ax.spines["bottom"].set_visible(False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=min(5, len(levels)),
              frameon=False, fontsize=8)
    parts = []
    for label, row in rows:
        counted = [f"{level.label.lower()} {row[level.key]}" for level in levels if row.get(level.key)]
        parts.append(f"{label}: " + (", ".join(counted) if counted else "inga"))
    alt = f"{title}. " + "; ".join(parts) + "."
    return Chart(_svg(fig, chart_id, alt), alt)


CHART_KINDS = {"bar": "Stapeldiagram", "line": "Linjediagram"}
SERIES_COLOURS = ["#1c4f85", "#d9a22b", "#2e7d4f", "#b33a3a", "#6b5ca5", "#3f8fa6"]


def table_chart(title, unit, columns, series, kind, chart_id):
    """A table as a chart: ``series`` is [(row label, [number or None per column])].
    Bars group the rows per column; lines draw each row across the columns."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.3, 3.0))
    n = len(series)
    for k, (label, values) in enumerate(series):
        colour = SERIES_COLOURS[k % len(SERIES_COLOURS)]
        if kind == "line":
            ax.plot(range(len(columns)), [v if v is not None else float("nan") for v in values],
                    marker="o", color=colour, label=label)
        else:
            width = 0.8 / max(n, 1)
            ax.bar([i - 0.4 + width * (k + 0.5) for i in range(len(columns))],
                   [v or 0 for v in values], width=width, color=colour, label=label)
    ax.set_xticks(range(len(columns)), columns, fontsize=8)
    ax.axhline(0, color="#444", linewidth=0.6)
    ax.set_title(f"{title}{f' ({unit})' if unit else ''}", loc="left", fontsize=10,
                 fontweight="bold")
    ax.legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.12),
              ncol=min(3, n))
    from . import formatting

    parts = ["; ".join(f"{label}: " + ", ".join(
        f"{column} {formatting.number(v, 1 if v is not None and v != int(v) else 0)}"
        for column, v in zip(columns, values) if v is not None) for label, values in series)]
    alt = f"{CHART_KINDS.get(kind, 'Diagram')} av {title}{f' ({unit})' if unit else ''}. " \
          + parts[0] + "."
    return Chart(_svg(fig, chart_id, alt), alt)
