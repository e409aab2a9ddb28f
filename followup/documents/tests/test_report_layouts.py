"""Layouts that are data: the project's own plan file in another municipality's style
(tests/plans/lindvik-kfn-2025.json) prints as its file says."""

import io
import re

import pypdf
import pytest

from followup.plans import lookup
from tests.fixtures import OWN_PLANS, load_json
from tests.pdftext import InOrder, reading_order

LINDVIK = next((p for p in OWN_PLANS if p.stem == "lindvik-kfn-2025"), None)


@pytest.fixture
def lindvik(cli, ctx):
    assert cli.invoke(args=["plan", "import", str(LINDVIK)]).exit_code == 0
    return load_json(LINDVIK)


def render(cli, tmp_path, *args):
    out = tmp_path / "out.pdf"
    result = cli.invoke(args=["report", "render", "KFN-2025", "bokslut", "--out", str(out), *args])
    assert result.exit_code == 0, result.stderr
    return out.read_bytes()


def walk(nodes):
    for n in nodes:
        yield n
        yield from walk(n["children"])


def test_default_layout_prints_every_node_of_a_scale_less_type_under_a_root(
        cli, lindvik, tmp_path):
    """Appendix 2 has no layout: aktiviteter (no scale) directly under a fokusområde
    (a root) print as a list under it. Earlier they were dropped without a word."""
    words, _ = reading_order(render(cli, tmp_path, "--appendix", "2"))
    activities = [n for n in walk(lindvik["nodes"]) if n["type"] == "aktivitet"]
    in_phase = [n for n in activities if n.get("until") != "delar1"]
    check = InOrder(words)
    for goal in lindvik["nodes"]:
        if goal["type"] != "fokusomrade":
            continue
        check.find(goal["title"], "fokusområde")
        for n in goal["children"]:
            if n in in_phase:
                check.find(n["title"], "aktivitet")
    assert check.missing == []
    assert len(in_phase) == 9 and len(activities) == 10
    # Taken out of the plan after the first phase: not in the december documents.
    gone = next(n for n in activities if n.get("until") == "delar1")
    assert " ".join(words).count(gone["title"]) == 0


def test_report_in_one_document_with_cover_contents_and_chapters(cli, lindvik, tmp_path):
    pdf = render(cli, tmp_path, "--appendix", "1")
    words, pages = reading_order(pdf)
    n = len(pages)
    report = lindvik["documents"][0]["appendices"][0]

    # The cover: the municipality's name, the title and its lines, no page number.
    assert pages[0].split()[:3] == ["UTKAST", "Lindvik", "kommun"]
    for line in [report["cover"]["title"], report["cover"]["subtitle"], *report["cover"]["lines"]]:
        assert line in pages[0]
    assert "Sida" not in pages[0]
    # One document, one count: every page after the cover says "Sida k (N)".
    for k, text in enumerate(pages[1:], 2):
        assert f"Sida {k} ({n})" in text
    # The contents list gives each chapter's page, and the chapter starts there.
    contents = re.findall(r"([A-Za-zÅÄÖåäö]+) (?:\. )+\.? ?(\d+)", pages[1])
    listed = {title: int(page) for title, page in contents}
    chapters = [c["title"] for c in report["chapters"]]
    assert list(listed) == chapters
    for title, page in listed.items():
        assert title in pages[page - 1]
        assert all(title not in text.split("Innehåll")[-1] for text in pages[2:page - 1])
    # Chapters marked new_page start on a page of their own, after the previous one.
    assert listed["Måluppfyllelse"] > listed["Förvaltningsberättelse"]
    # The internal control chapter is landscape, the rest portrait.
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    last = reader.pages[listed["Internkontroll"] - 1]
    assert last.mediabox.width > last.mediabox.height
    assert reader.pages[1].mediabox.width < reader.pages[1].mediabox.height
    # The outline has the chapters under the report.
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert any(t.startswith("Bilaga 1") for t in titles)


def test_economy_table_with_group_headers_computed_percent_and_text_after(cli, lindvik, tmp_path):
    words, pages = reading_order(render(cli, tmp_path, "--appendix", "1"))
    text = " ".join(pages)
    check = InOrder(words)
    check.find("Driftredovisning per verksamhet")
    # Two header rows: the group over Budget and Utfall, beside the ungrouped columns.
    check.find("mnkr Helår 2025 Avvikelse Utfall 2024 Förändring Budget Utfall")
    # Avvikelse = utfall − budget; Förändring = (utfall − fjol) / fjol × 100, with " %".
    check.find("Bibliotek 42,5 41,8 -0,7 40,2 4,0 %")
    check.find("Nämnden totalt 115,8 118,3 2,5 111,3 6,3 %")  # from the totals, not summed
    check.find("Fritidsanläggningarna gick med underskott")  # the text after the table
    assert check.missing == []
    # The section heading is the table's title: printed once. The unit is printed once.
    table = text.split("Ekonomi Driftredovisning per verksamhet")[-1].split("Bibliotek")[0]
    assert "Driftredovisning" not in table and table.split().count("mnkr") == 1
    # Per-cell decimals: "0,182" beside "0,20".
    check.find("Andel digitala lån 0,182 0,20")
    assert check.missing == []


def test_memo_with_two_signatures_unnumbered_proposals_and_own_appendix_heading(
        cli, lindvik, tmp_path):
    _, pages = reading_order(render(cli, tmp_path))
    memo = pages[0]
    assert "1. att" not in memo and "att godkänna årsredovisningen för 2025," in memo
    assert "Bilagor" in memo and "Beslutsunderlag" not in memo
    signatures = memo.split("Bilaga 2, Uppföljning av aktiviteter per fokusområde")[-1]
    assert signatures.index("Helena Strand") < signatures.index("Förvaltningschef") \
        < signatures.index("Anders Berg") < signatures.index("Controller")


@pytest.fixture
def scn2023(cli, ctx):
    from tests.fixtures import FIXTURE_FILES

    path = next((p for p in FIXTURE_FILES if "2023" in p.name), None)
    if path is None:
        pytest.skip("../shared/fixtures saknas")
    assert cli.invoke(args=["plan", "import", str(path)]).exit_code == 0


def test_numbered_proposals_by_default(cli, scn2023, tmp_path):
    out = tmp_path / "memo.pdf"
    assert cli.invoke(args=["report", "render", "SCN-2023", "december", "--out", str(out)]).exit_code == 0
    first = reading_order(out.read_bytes())[1][0]
    assert re.search(r"1\. att godkänna ekonomiskt årsbokslut 2023", first)


def test_a_listed_sort_with_a_scale_prints_its_level_and_a_sort_without_one_no_gap(demo):
    """Uppdrag laid out as a list printed their titles and comments but not their status,
    and åtgärder (no scale) laid out as sections each said "Ej rapporterad", though there
    is nothing to assess."""
    from followup.core.extensions import db
    from followup.memos import reports

    memo = reports.find_memo(demo.plan.key, "augusti")
    appendix = next(a for a in memo.appendices if a.number == 1)
    appendix.layout = {"uppdrag": {"display": "list"}, "atgard": {"display": "section"}}
    db.session.commit()
    html = re.sub(r"\s+", " ", reports.documents(memo, 1)[0].html)
    items = re.findall(r'<span class="item-level tone-\w+">([^<]*)</span>', html)
    assert len(items) == 12 and set(items) == {"Status: Påbörjad", "Status: Stoppad",
                                              "Status: Färdig"}
    assert "Ej rapporterad" not in html


def test_a_memo_without_proposals_has_no_empty_heading_for_them(demo):
    from followup.core.extensions import db
    from followup.memos import reports

    memo = reports.find_memo(demo.plan.key, "augusti")
    assert "Förslag till beslut" in reports.documents(memo)[0].html
    memo.proposals, memo.proposals_intro = [], None
    db.session.commit()
    html = reports.documents(memo)[0].html
    assert "Förslag till beslut" not in html and 'class="proposals' not in html


def test_the_goal_tables_of_an_appendix_keep_their_columns_in_line(demo):
    """Each table sized alone, the first column of the demo's goal tables was 24 %, 33 %
    and 22 % wide: the columns jumped from one table to the next."""
    from followup.memos import reports

    html = reports.documents(reports.find_memo(demo.plan.key, "augusti"), 1)[0].html
    tables = re.findall(r'<table class="plan">\s*<colgroup>(.*?)</colgroup>\s*<thead>(.*?)</thead>',
                        html, re.S)
    by_columns = {}
    for colgroup, head in tables:
        by_columns.setdefault(re.sub(r"\s+", " ", head), set()).add(colgroup)
    assert len(tables) >= 3
    assert any(len(widths) == 1 for widths in by_columns.values())
    assert all(len(widths) == 1 for widths in by_columns.values()), by_columns


def test_a_group_prints_after_every_goal_section_wherever_its_nodes_sit(demo):
    """FORMAT.md: a group prints after the appendix's goal sections. Its nodes under the
    first goal printed inside that goal's section, before the other goals."""
    from followup.core.extensions import db
    from followup.memos import reports

    extra, first = lookup.find_node(demo.plan, "u12"), lookup.find_node(demo.plan, "im1")
    extra.parent = first
    db.session.commit()
    html = reports.documents(reports.find_memo(demo.plan.key, "augusti"), 1)[0].html
    group = html.index("Tillkommande uppdrag")
    assert html.index("Inriktningsmål 3") < group
    assert html.index("Ta fram en plan för att möta effekterna") > group


def test_the_internal_control_chart_shows_the_phases_its_table_shows(demo):
    """With the appendix's phases set to augusti alone, the table showed augusti and the
    chart april and augusti."""
    from followup.core.extensions import db
    from followup.memos import reports

    memo = reports.find_memo(demo.plan.key, "augusti")
    appendix = next(a for a in memo.appendices if a.kind == "internal_control")
    before = reports.documents(memo, appendix.number)[0].html
    assert "Uppföljning per april" in before.split("<svg", 1)[1].split("</svg>")[0]
    appendix.phases = ["augusti"]
    db.session.commit()
    html = reports.documents(memo, appendix.number)[0].html
    chart = html.split("<svg", 1)[1].split("</svg>")[0]
    assert "Uppföljning per april" not in chart and "Delårsbokslut per augusti" in chart
