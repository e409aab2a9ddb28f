"""Imported once by the render workers' server process (see ``pdf._context``): loads
WeasyPrint, reads the print stylesheet, and lays out and writes a small document,
so that every worker forked from it starts with the fonts, the Swedish hyphenation
patterns and the stylesheet in memory instead of loading them on its first
document."""

import pyphen

from followup.core.pdf_layout import ORDINARY, layout, weasy, write

_WARM_UP = """<!doctype html><html lang="sv"><head><title>Uppföljning</title></head><body>
<h1>Uppföljning</h1><h2>Inriktningsmål</h2><p>Verksamhetsplanens <b>fokusmål</b> och
<i>nämndmål</i>: 176&#8239;017.</p><table class="plan"><thead><tr><th>Nämndmål</th>
<th>Bedömning</th></tr></thead><tbody><tr><td>Kommunfullmäktiges inriktningsmål</td>
<td class="comment">Sammanträdesprotokollet</td></tr></tbody></table></body></html>"""

weasy()
pyphen.Pyphen(lang="sv")  # pyphen keeps the patterns it read
write(layout(_WARM_UP), ORDINARY, "warmup")
