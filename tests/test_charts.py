"""Charts: SVG drawn on the server, with text alternatives on the page and in the PDF."""

import io

import pypdf
import pytest
from sqlalchemy import select

from followup.core.extensions import db
from followup.followups import distributions
from followup.followups.models.followup import Followup, FollowupState
from followup.plans import lookup
from followup.plans.models.node import Node
from tests.html_forms import form_fields
from tests.pdfstructure import check_pdf
from tests.pdftext import reading_order


def test_level_charts_count_per_node_type_and_say_so_in_words(demo):
    august = demo.plan.phase("augusti")
    charts = distributions.level_charts(demo.plan, august)
    alts = [c.alt for c in charts]
    assert alts == [
        # Imported follow-ups are drafts: nothing is approved yet, and the charts say so.
        "Bedömning: delårsbokslut per augusti. Inriktningsmål (3): i hög grad uppfyllt 1, "
        "delvis uppfyllt 2 (varav 3 ej godkända än); Nämndmål (6): i hög grad uppfyllt 3, "
        "delvis uppfyllt 3 (varav 6 ej godkända än).",
        "Status: delårsbokslut per augusti. Uppdrag (12): påbörjad 6, stoppad 1, färdig 5 "
        "(varav 12 ej godkända än)."]
    svg = str(charts[1].svg)
    assert svg.startswith("<svg") and 'role="img"' in svg and "<title" in svg
    assert ">Påbörjad<" in svg  # text stays text, not outlines
    assert distributions.level_charts(demo.plan, demo.plan.phase("december")) == []


def test_unreported_items_are_part_of_the_bar_and_unapproved_ones_marked(demo):
    """A bar for 2 of 6 nämndmål is a third solid or striped and two thirds "ej rapporterad"."""
    december = demo.plan.phase("december")
    nodes = {n.key: n for n in db.session.scalars(select(Node).where(Node.key.in_(["nm1-1", "nm1-2"])))}
    level = next(lv for t in demo.plan.node_types if t.key == "namndmal" for lv in t.scale.levels)
    db.session.add_all([
        Followup(node=nodes["nm1-1"], phase=december, level=level, state=FollowupState.approved),
        Followup(node=nodes["nm1-2"], phase=december, level=level, state=FollowupState.submitted)])
    db.session.commit()
    [chart] = distributions.level_charts(demo.plan, december)
    assert (f"Nämndmål (6): {level.label.lower()} 2 (varav 1 ej godkänd än), ej rapporterad 4"
            in chart.alt)
    assert "Inriktningsmål (3): ej rapporterad 3" in chart.alt
    svg = str(chart.svg)
    assert ">Ej rapporterad<" in svg and ">Ej godkänd än<" in svg
    # Nämndmål: 1 approved, 1 not yet, 4 unreported; inriktningsmål: 3 unreported. One
    # scale for all: the unreported parts are four and three times an answered one.
    one, _, three, four = sorted(_bar_widths(svg))
    assert (three / one, four / one) == (pytest.approx(3, rel=0.01), pytest.approx(4, rel=0.01))


def _bar_widths(svg):
    """Widths of the bars' rectangles (matplotlib draws each as a closed path)."""
    import re

    widths = []
    # Ids carry the chart's own prefix (unique on the page): "<prefix>-patch_3".
    bars = re.split(r'<g id="(?:[^"]*-)?legend_1">', svg)[0]
    for number, d in re.findall(r'<g id="(?:[^"]*-)?patch_(\d+)">\s*<path d="([^"]+)"', bars):
        xs = [float(x) for x in re.findall(r"[ML] ([\d.]+) [\d.]+", d)]
        if int(number) > 2 and max(xs) - min(xs) > 0.5:  # 1 and 2: figure and axes
            widths.append(round(max(xs) - min(xs), 3))
    return widths


def test_control_chart_per_phase(demo):
    chart = distributions.control_chart(demo.plan, demo.plan.phase("augusti"))
    assert chart.alt == (
        "Internkontrollens resultat per fas. Uppföljning per april: utan anmärkning 3, mindre "
        "anmärkning 1, ej kontrolltillfälle 1 (varav 5 ej godkända än); Delårsbokslut per "
        "augusti: utan anmärkning 3, mindre anmärkning 1, väsentlig anmärkning 1 (varav 5 ej "
        "godkända än).")


def test_charts_on_the_board_with_their_text(as_user):
    page = as_user("sara").get("/granskning/SOC-2026/augusti").text
    assert page.count('<figure class="chart">') == 3
    assert "<figcaption>Status: delårsbokslut per augusti. Uppdrag (12)" in page


def test_charts_are_in_the_pdf_with_their_text_alternatives(as_user):
    pdf = as_user("per").get("/plans/SOC-2026/phases/augusti/tjansteskrivelse/pdf/bilaga/1").data
    text = " ".join(reading_order(pdf)[1])
    alt = ("Status: delårsbokslut per augusti. Uppdrag (12): påbörjad 6, stoppad 1, färdig 5 "
           "(varav 12 ej godkända än).")
    # The text alternative is the chart's Figure's, for those who cannot see it; it is
    # not printed beside the chart as well (the chart draws its own title).
    assert alt in check_pdf(pdf).figure_alts
    assert alt not in text
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    # The chart is drawn as vectors (paths) on the first page, not pasted in as a picture.
    first = reader.pages[0].get_contents().get_data()
    assert first.count(b" re") + first.count(b" l\n") > 10
    ic = as_user("per").get("/plans/SOC-2026/phases/augusti/tjansteskrivelse/pdf/bilaga/2").data
    assert any(a.startswith("Internkontrollens resultat per fas.") for a in check_pdf(ic).figure_alts)
    # The chart follows the intro it belongs to, in reading order too.
    report = check_pdf(ic)
    assert report.faults == []


def test_a_table_chosen_as_a_bar_chart_is_drawn_on_the_page_and_in_the_pdf(as_user):
    sara = as_user("sara")
    grid = "/plans/SOC-2026/tabeller/resultat-augusti"
    fields = form_fields(sara.get(grid + "/definition").text, "definition-form")
    response = sara.post(grid + "/definition", {**fields, "chart": "bar"})
    assert response.status_code == 302
    page = sara.get(grid).text
    assert "<figcaption>Stapeldiagram av Resultat per verksamhet januari–augusti (mnkr)." in page
    assert "Barn och unga: Budget helår 182,4" in page
    pdf = sara.get("/plans/SOC-2026/phases/augusti/tjansteskrivelse/pdf/bilaga/3").data
    assert any(a.startswith("Stapeldiagram av Resultat per verksamhet januari–augusti (mnkr).")
               for a in check_pdf(pdf).figure_alts)
    line = sara.post(grid + "/definition", {**fields, "chart": "cirkel", "version": "2"})
    assert line.status_code == 422 and "stapeldiagram, linjediagram" in line.text


def test_levels_that_share_a_tone_are_drawn_in_shades_of_it(demo):
    """"Helt uppfyllt" and "I hög grad uppfyllt" are both good: the charts and the level
    marks on the pages tell them apart all the same."""
    from followup.core import charts

    for scale in demo.plan.scales:
        colours = charts.level_colours(scale.levels)
        assert len(set(colours.values())) == len(scale.levels), scale.label
    goals = next(s for s in demo.plan.scales if s.level("helt"))
    colours = charts.level_colours(goals.levels)
    assert colours["helt"] == charts.TONE_COLOURS["good"] != colours["i_hog_grad"]
    [chart, *_] = distributions.level_charts(demo.plan, demo.plan.phase("augusti"))
    assert colours["i_hog_grad"] in str(chart.svg)


def test_level_marks_on_the_page_shade_levels_that_share_a_tone(as_user):
    page = as_user("sara").get("/plans/SOC-2026/phases/december/nodes/im1").text
    assert '<span class="level tone-good">Helt uppfyllt</span>' in page
    assert '<span class="level tone-good shade-1">I hög grad uppfyllt</span>' in page


def test_charts_colour_their_shapes_without_css_and_weasyprint_lays_them_out_silently(
        demo, caplog):
    """matplotlib's style attributes are CSS in an HTML page: WeasyPrint warned of every
    one as an unknown property, some 200 lines in the log for each case rendered."""
    import logging

    from followup.core import charts, pdf
    from followup.memos import reports

    [chart, *_] = distributions.level_charts(demo.plan, demo.plan.phase("augusti"))
    svg = str(chart.svg)
    assert " style=" not in svg
    assert f'fill="{charts.TONE_COLOURS["partial"]}"' in svg
    assert 'text-anchor="middle"' in svg and 'font-weight="700"' in svg
    memo = reports.find_memo(demo.plan.key, "augusti")
    [appendix] = reports.documents(memo, 1)
    assert appendix.html.count("<svg") == 2
    pdf.forget_rendered()
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf.render_documents([appendix])
    assert [r.getMessage() for r in caplog.records if r.name == "weasyprint"] == []


def test_a_table_charts_text_gives_the_figures_as_the_table_prints_them():
    """It gave "12 500,4" beside a table that prints 12 500, and "60,0" for "60 %"."""
    from followup.core import charts

    chart = charts.table_chart("Kostnader", "tkr", ["2025", "Andel"],
                               [("Placeringar", [12500.4, 60.0], ["12 500", "60 %"])],
                               "bar", "diagram-test")
    assert chart.alt == "Stapeldiagram av Kostnader (tkr). Placeringar: 2025 12 500, Andel 60 %."


def test_a_chart_is_drawn_once_for_the_same_data_and_anew_for_other_data(demo):
    """Drawing was most of what writing an unchanged case's HTML cost; the same data
    gives the same chart, so it is drawn once. Other data draws anew."""
    from followup.core import charts
    from followup.followups import followups as fu

    august = demo.plan.phase("augusti")
    [first, *_] = distributions.level_charts(demo.plan, august)
    hits = charts._stacked_svg.cache_info().hits
    [again, *_] = distributions.level_charts(demo.plan, august)
    assert charts._stacked_svg.cache_info().hits > hits
    assert _bars(again.svg) == _bars(first.svg) and again.alt == first.alt
    followup = fu.current(lookup.find_node(demo.plan, "im1"), august)
    fu.save(demo.sara, followup.node, august, level_key="ej", comment=None,
            version=followup.version)
    [changed, *_] = distributions.level_charts(demo.plan, august)
    assert changed.alt != first.alt and "<svg" in str(changed.svg)
    assert _bars(changed.svg) != _bars(first.svg)


def _bars(svg):
    import re

    return re.findall(r'<path d="M [^"]+"', str(svg))


def test_a_table_charts_axis_prints_figures_the_swedish_way():
    """The axis said "50000" beside a table that prints 50 000."""
    import re

    from followup.core import charts

    chart = charts.table_chart("Kostnader", "tkr", ["2025", "2026"],
                               [("Placeringar", [52000, 61000], ["52 000", "61 000"])],
                               "bar", "diagram-axel")
    ticks = re.findall(r"<text[^>]*>([^<]*)</text>", str(chart.svg))
    assert "50\N{NO-BREAK SPACE}000" in ticks
    assert not any(re.fullmatch(r"-?[0-9]{5,}(\.[0-9]+)?", t) for t in ticks), ticks
    small = charts.table_chart("Andel", None, ["A", "B"], [("X", [0.25, 0.5], ["0,25", "0,5"])],
                               "line", "diagram-andel")
    ticks = re.findall(r"<text[^>]*>([^<]*)</text>", str(small.svg))
    assert "0,25" in ticks and not any("." in t for t in ticks if t[:1].isdigit()), ticks


def test_a_table_without_figures_draws_no_chart_and_says_nothing_empty():
    """An empty table was drawn with an axis of 0.04 … −0.02 and the text "Försörjningsstöd:
    ; Introduktionsersättning: ."."""
    from followup.core import charts

    assert charts.table_chart("Ekonomiskt bistånd", "tkr", ["Jan", "Feb"],
                              [("Försörjningsstöd", [None, None], ["", ""]),
                               ("Introduktionsersättning", [None, None], ["", ""])],
                              "bar", "diagram-tom") is None
    assert charts.table_chart("Ekonomiskt bistånd", "tkr", [], [], "line", "diagram-tom") is None
    chart = charts.table_chart("Ekonomiskt bistånd", "tkr", ["Jan", "Feb"],
                               [("Försörjningsstöd", [120, None], ["120", ""]),
                                ("Introduktionsersättning", [None, None], ["", ""])],
                               "bar", "diagram-halv")
    assert chart.alt == ("Stapeldiagram av Ekonomiskt bistånd (tkr). Försörjningsstöd: Jan 120; "
                         "Introduktionsersättning: inga siffror.")


def test_an_empty_tables_grid_page_shows_no_chart(as_user, demo):
    from followup.tables.models import FigureRow

    table = next(t for t in demo.plan.tables if t.key == "nyckeltal-hvb")
    table.chart = "bar"
    for row in db.session.scalars(select(FigureRow).where(FigureRow.table_id == table.id)):
        if row.values is not None:
            row.values = [None] * len(row.values)
    db.session.commit()
    page = as_user("sara").get(f"/plans/SOC-2026/tabeller/{table.key}").text
    assert "diagram-nyckeltal-hvb" not in page and "Stapeldiagram av" not in page
