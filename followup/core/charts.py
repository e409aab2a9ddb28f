"""Charts as SVG, drawn on the server with matplotlib, each with a text alternative.

Text in the SVG stays text (not glyph outlines), so the page and the PDF can be
searched and read aloud; the alternative says in words what the chart shows.
"""

import io
import re
from collections import namedtuple
from dataclasses import dataclass
from functools import cache, lru_cache

from flask import g, has_app_context
from markupsafe import Markup, escape

from followup.core import formatting

TONE_COLOURS = {"good": "#2e7d4f", "partial": "#d9a22b", "bad": "#b33a3a",
                "neutral": "#8a94a3", "not_applicable": "#c7ccd3", None: "#8a94a3"}
# Levels that share a tone ("Helt uppfyllt", "I hög grad uppfyllt") get shades of it, in
# their order: the tone's own colour, then darker, then lighter, then more of each.
SHADES = [0, -0.35, 0.35, -0.55, 0.6]
DARK_TEXT = "#1d2430"


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


def _drawn(fig):
    """The figure as matplotlib writes it in SVG (the same data, the same text)."""
    plt = _pyplot()
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    svg = buffer.getvalue()
    return svg[svg.index("<svg"):]


def _svg(svg, chart_id, alt):
    """A drawn chart made fit for the page: ids of its own, no style element or
    attributes, and its text alternative as its title."""
    prefix = _unique_id(chart_id)
    svg = _prefix_ids(svg, prefix)
    # matplotlib's one style element would need an exception in the page's CSP; the
    # same rule as inherited attributes on the root draws the same.
    svg = _STYLE.sub("", svg, count=1)
    svg = _presentation_attributes(svg)
    svg = svg.replace("<svg ", f'<svg role="img" aria-labelledby="{prefix}" '
                               'stroke-linejoin="round" stroke-linecap="butt" ', 1)
    first_close = svg.index(">") + 1
    svg = svg[:first_close] + f'<title id="{prefix}">{escape(alt)}</title>' + svg[first_close:]
    return Markup(svg)


_STYLE = re.compile(
    r'<style type="text/css">\*\{stroke-linejoin: round; stroke-linecap: butt\}</style>')
_STYLE_ATTRIBUTE = re.compile(r' style="([^"]*)"')
# What matplotlib writes in its style attributes: each is an SVG presentation attribute.
_PRESENTATION = {"fill", "fill-opacity", "opacity", "stroke", "stroke-width", "stroke-opacity",
                 "stroke-linejoin", "stroke-linecap", "stroke-dasharray",
                 "stroke-dashoffset", "stroke-miterlimit", "font-size", "font-family",
                 "font-weight", "font-style", "text-anchor", "clip-path"}


def _presentation_attributes(svg):
    """matplotlib colours every shape with a style attribute. In an HTML page those are
    CSS: WeasyPrint warns of each as a property it does not know (some 200 lines in the
    log for every case rendered), and a page's CSP would have to allow them. The same
    declarations as presentation attributes draw the same."""

    def attributes(match):
        pairs = [d.split(":", 1) for d in match.group(1).split(";") if ":" in d]
        if any(name.strip() not in _PRESENTATION for name, _ in pairs):
            return match.group(0)
        return "".join(f' {name.strip()}="{value.strip()}"' for name, value in pairs)

    return _STYLE_ATTRIBUTE.sub(attributes, svg)


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


@dataclass
class Bar:
    """One bar: per level key, how many are approved and how many are not yet
    (``pending``), and how many have no answer at all."""

    label: str
    approved: dict
    pending: dict
    unreported: int = 0

    @property
    def reported(self):
        return sum(self.approved.values()) + sum(self.pending.values())


UNREPORTED_COLOUR = "#eef0f3"
UNREPORTED_EDGE = "#6b7480"
UNREPORTED_LABEL = "Ej rapporterad"
PENDING_LABEL = "Ej godkänd än"


def _lighter(colour, amount=0.55):
    """The colour mixed with white: the face of a part not yet approved."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * amount):02x}" for c in rgb)


def _darker(colour, amount):
    """The colour mixed with black."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c * (1 - amount)):02x}" for c in rgb)


def level_colours(levels):
    """Each level's colour by its key: its tone's colour, and where levels share a tone,
    a shade of it of their own, so that no two levels of a scale look alike."""
    out, seen = {}, {}
    for level in levels:
        n = seen.get(level.tone, 0)
        seen[level.tone] = n + 1
        base = TONE_COLOURS.get(level.tone, TONE_COLOURS[None])
        shade = SHADES[n % len(SHADES)]
        out[level.key] = (base if shade == 0 else _darker(base, -shade) if shade < 0
                          else _lighter(base, shade))
    return out


def text_on(colour):
    """Numbers on a bar: dark on a light colour, white on a dark one."""
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return DARK_TEXT if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.45 else "white"


def stacked_levels(title, rows, levels, chart_id):
    """One horizontal bar per row (a ``Bar``), split by level. Each bar is as long as
    everything it counts: approved parts solid, parts not yet approved striped and
    lighter, and what has no answer a grey part of its own at the end. The text
    alternative says the same in words."""
    bars = tuple(_BarSpec(row.label, tuple(sorted(row.approved.items())),
                          tuple(sorted(row.pending.items())), row.unreported) for row in rows)
    scale = tuple(_LevelSpec(level.key, level.label, level.tone) for level in levels)
    alt = f"{title}. " + "; ".join(_in_words(row, levels) for row in rows) + "."
    return Chart(_svg(_stacked_svg(title, bars, scale), chart_id, alt), alt)


# What a chart is drawn from, as values: a chart drawn once is not drawn again (drawing
# is most of what writing a case's HTML costs when nothing in it changed).
_BarSpec = namedtuple("_BarSpec", "label approved pending unreported")
_LevelSpec = namedtuple("_LevelSpec", "key label tone")


@lru_cache(maxsize=256)
def _stacked_svg(title, bars, levels):
    plt = _pyplot()
    from matplotlib.patches import Patch

    labels = [bar.label for bar in bars]
    fig, ax = plt.subplots(figsize=(6.3, 0.45 * len(bars) + 1.3))
    left = [0] * len(bars)
    legend = []

    def segment(counts, text_colour, **style):
        nonlocal left
        ax.barh(labels, counts, left=left, height=0.6, **style)
        for i, (n, start) in enumerate(zip(counts, left)):
            if n:
                ax.text(start + n / 2, i, str(n), ha="center", va="center", color=text_colour,
                        fontsize=8, fontweight="bold")
        left = [a + b for a, b in zip(left, counts)]

    any_pending = False
    colours = level_colours(levels)
    for level in levels:
        colour = colours[level.key]
        approved = [dict(bar.approved).get(level.key, 0) for bar in bars]
        pending = [dict(bar.pending).get(level.key, 0) for bar in bars]
        if not any(approved) and not any(pending):
            continue
        legend.append(Patch(facecolor=colour, edgecolor="white", label=level.label))
        if any(approved):
            segment(approved, text_on(colour), color=colour,
                    edgecolor="white")
        if any(pending):
            any_pending = True
            segment(pending, DARK_TEXT, color=_lighter(colour), edgecolor="white",
                    hatch="///", hatchcolor=colour, linewidth=0.5)
    unreported = [bar.unreported for bar in bars]
    if any(unreported):
        segment(unreported, "#1d2430", color=UNREPORTED_COLOUR,
                edgecolor=UNREPORTED_EDGE, linewidth=[0.8 if n else 0 for n in unreported],
                linestyle="--")
    if any_pending:
        legend.append(Patch(facecolor="white", edgecolor="#4f5966", hatch="///",
                            hatchcolor="#4f5966", label=PENDING_LABEL))
    if any(unreported):
        legend.append(Patch(facecolor=UNREPORTED_COLOUR, edgecolor=UNREPORTED_EDGE,
                            linestyle="--", label=UNREPORTED_LABEL))
    ax.set_xlim(0, max(max(left), 1))
    ax.invert_yaxis()
    ax.set_title(title, loc="left", fontsize=10, fontweight="bold")
    ax.xaxis.set_visible(False)
    ax.spines["bottom"].set_visible(False)
    ax.legend(handles=legend, loc="upper center", bbox_to_anchor=(0.5, -0.02),
              ncol=min(4, len(legend)), frameon=False, fontsize=8)
    return _drawn(fig)


def _in_words(row, levels):
    counts = [(level, row.approved.get(level.key, 0) + row.pending.get(level.key, 0))
              for level in levels]
    text = ", ".join(f"{formatting.in_sentence(level.label)} {n}" for level, n in counts if n)
    pending = sum(row.pending.values())
    if pending:
        text += f" (varav {pending} {'ej godkänd' if pending == 1 else 'ej godkända'} än)"
    if row.unreported:
        text += (", " if text else "") + f"{UNREPORTED_LABEL.lower()} {row.unreported}"
    return f"{row.label}: {text or 'inga'}"


CHART_KINDS = {"bar": "Stapeldiagram", "line": "Linjediagram"}
SERIES_COLOURS = ["#1c4f85", "#d9a22b", "#2e7d4f", "#b33a3a", "#6b5ca5", "#3f8fa6"]


def table_chart(title, unit, columns, series, kind, chart_id):
    """A table as a chart: ``series`` is [(row label, [number or None per column],
    optionally [the figure as the table prints it per column])]. Bars group the rows
    per column; lines draw each row across the columns. The text alternative gives the
    figures as the table prints them (its decimals, its suffix), and "inga siffror" for a
    row without any. A table without a single figure is no chart (None): drawn, it had an
    axis of made-up figures and a text alternative with nothing in it."""
    if not any(v is not None for _, values, *_ in series for v in values):
        return None
    drawn = _table_svg(title, unit, tuple(columns),
                       tuple((label, tuple(values)) for label, values, *_ in series), kind)

    def shown(values, texts):
        texts = texts[0] if texts else [
            formatting.number(v, 1 if v != int(v) else 0) if v is not None else ""
            for v in values]
        return ", ".join(f"{column} {text}" for column, v, text in zip(columns, values, texts)
                         if v is not None) or "inga siffror"

    figures = "; ".join(f"{label}: {shown(values, texts)}" for label, values, *texts in series)
    alt = f"{CHART_KINDS.get(kind, 'Diagram')} av {title}{f' ({unit})' if unit else ''}. " \
          + figures + "."
    return Chart(_svg(drawn, chart_id, alt), alt)


@lru_cache(maxsize=256)
def _table_svg(title, unit, columns, series, kind):
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
    _swedish_ticks(ax)
    ax.axhline(0, color="#444", linewidth=0.6)
    ax.set_title(f"{title}{f' ({unit})' if unit else ''}", loc="left", fontsize=10,
                 fontweight="bold")
    ax.legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.12),
              ncol=min(3, n))
    return _drawn(fig)


def _swedish_ticks(ax):
    """The value axis in Swedish, as the table prints its figures: "50 000", "0,25"
    (matplotlib wrote "50000" and "0.25"), every tick with the same decimals."""
    low, high = ax.get_ylim()
    ticks = [t for t in ax.get_yticks() if min(low, high) <= t <= max(low, high)]
    decimals = next((d for d in range(6)
                     if all(abs(t - round(t, d)) < 1e-9 * max(1, abs(t)) for t in ticks)), 6)
    ax.set_yticks(ticks, [formatting.number(round(t, decimals), decimals) for t in ticks])
    ax.set_ylim(low, high)
