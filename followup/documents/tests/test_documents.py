"""The memo and its appendices as PDF, read back like a person reads them."""

import io
import re

import pypdf
import pytest
from sqlalchemy import select

from followup.core.extensions import db
from followup.memos.models import Memo
from followup.planfile.tests.test_planfile_versions import v1_params
from followup.tables.models import FigureTable
from tests.fixtures import FIXTURE_FILES, ROOT, load_json, plan_params
from tests.pdftext import InOrder, reading_order

# The words a document prints unless the plan file says otherwise (FORMAT.md 2.1).
DEFAULT_WORDING = {
    "not_reported": "Ej rapporterad", "carried_over": "KVAR FRÅN {year}",
    "mandatory_control": "Obligatoriskt kontrollmoment:", "comment_header": "Kommentar",
    "proposals_heading": "Förslag till beslut", "contents_heading": "Innehåll",
    "appendix_item": "Bilaga {number}, {title}", "appendix_title": "Bilaga {number} – {title}",
    "memo_item": "Tjänsteskrivelse, daterad {date}", "draft_mark": "UTKAST",
    "signed_by": "Fastställd av {name}, {title}, {date}",
}


def wording(data, appendix=None):
    return {**DEFAULT_WORDING, **(data.get("wording") or {}), **((appendix or {}).get("wording") or {})}


def swedish(value, decimals=0):
    """The test's own Swedish number formatting, to check the application's: halves
    rounded away from zero, as finance staff round."""
    from decimal import ROUND_HALF_UP, Decimal

    value = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",")
    return "0" if text in ("-0", "-0,0") and decimals == 0 else text.replace("-0,0", "0,0")


def node_map(nodes, out=None, parent=None):
    out = {} if out is None else out
    for n in nodes:
        out[n["key"]] = (n, parent)
        node_map(n["children"], out, n)
    return out


def expected_plan(check, data, appendix, phase):
    """What a plan appendix shows, in order, by FORMAT.md's rules for ``layout`` (written
    here from the format, not from the application's code)."""
    listed = set(appendix.get("node_types") or [])
    layout = appendix.get("layout") or {}
    types, scales = data["node_types"], data["scales"]
    order = [p["key"] for p in data["phases"]]

    def present(n):
        at = order.index(phase)
        return ((n.get("since") is None or order.index(n["since"]) <= at)
                and (n.get("until") is None or at <= order.index(n["until"])))

    def wanted(n):
        return present(n) and (n["type"] in listed or any(wanted(c) for c in n["children"]))

    def spec(n, parent):
        out = dict(layout.get(n["type"]) or {})
        if n["group"]:
            out.update(layout.get("group:" + n["group"]) or {})
        if "display" not in out:
            out["display"] = ("section" if parent is None
                              else "row" if types[n["type"]]["scale"] else "list")
        return out

    def entry(n):
        f = n["followups"].get(phase) or {}
        scale = types[n["type"]]["scale"]
        level = None
        if f.get("level") and scale:
            level = next(lv for lv in scales[scale]["levels"] if lv["key"] == f["level"])
        return level, f.get("comment"), (scales[scale]["label"] if scale else None)

    def list_children(n, parent_spec=None):
        return [c for c in n["children"] if wanted(c) and c["type"] in listed
                and spec(c, n)["display"] == "list"]

    def title(n, prefix=""):
        check.find(f'{prefix}{n["number"] or ""} {n["title"]}'.strip(), "title")

    captioned = set()

    def caption(n, parent, s):
        mark = (id(parent), n["type"])
        if s.get("caption") and mark not in captioned:
            captioned.add(mark)
            check.find(s["caption"], "caption")

    def section(n, parent, depth):
        s = spec(n, parent)
        caption(n, parent, s)
        if depth == 0:
            check.find(f'{(s.get("prefix") or "").strip() or types[n["type"]]["label"]} '
                       f'{n["number"] or ""}'.strip(), "goal heading")
            check.find(n["title"], "goal title")
        else:
            title(n, s.get("prefix") or "")
        for note in n["notes"]:
            check.find(note, "note")
        own = [c for c in list_children(n) if not c["group"]] if n["type"] in listed else \
            [c for c in list_children(n) if not c["group"]]
        if n["type"] in listed:
            level, comment, scale_label = entry(n)
            how = s.get("level") or "text"
            if level is None and not comment and types[n["type"]]["scale"]:
                check.find(wording(data, appendix)["not_reported"], "not reported")
            elif level:
                if how in ("label", "label_and_text"):
                    check.find(f'{scale_label}: {level["label"]}', "level label")
                if how == "text" or (how == "label_and_text" and level.get("text")):
                    check.find(level.get("text") or level["label"], "level text")
            check.html(comment, "comment")
        if own:
            lead = spec(own[0], n).get("lead")
            if lead:
                check.find(lead, "lead")
            for c in own:
                title(c, spec(c, n).get("prefix") or "")
        children([c for c in n["children"] if c not in own], n, depth + 1, None)

    def row(n, parent, table):
        s = spec(n, parent)
        caption(n, parent, s)
        columns = table if table is not None else s.get("columns") or [
            {"field": "number_title"}, {"field": "level"}, {"field": "children"},
            {"field": "comment"}]
        level, comment, _ = entry(n)
        kids = list_children(n)
        with check.row():
            for column in columns:
                check.cell()
                field = column["field"]
                if field in ("number_title", "title"):
                    if field == "number_title" and n["number"]:
                        check.find(n["number"], "number")
                    check.find(n["title"], "row title")
                    if not any(c["field"] == "notes" for c in columns):
                        for note in n["notes"]:
                            check.find(note, "note")
                elif field == "level" and level:
                    check.find(level["label"], "level label")
                elif field == "level_text" and level:
                    check.find(level.get("text") or level["label"], "level text")
                elif field == "children":
                    for c in kids:
                        check.find(c["title"], "list child")
                elif field == "comment":
                    check.html(comment, "comment")
                    for c in kids:
                        check.html(entry(c)[1], "list child's comment")
        return columns

    def children(nodes, parent, depth, table):
        plain = [n for n in nodes if not n["group"]]
        for n in plain:
            table = node(n, parent, depth, table)
        groups = {}
        for n in nodes:
            if n["group"] and wanted(n):
                groups.setdefault(n["group"], []).append(n)
        for name, members in groups.items():
            g = layout.get("group:" + name) or {}
            check.find(g.get("heading") or name, "group heading")
            check.html(g.get("intro"), "group intro")
            table = None
            for n in members:
                table = node(n, parent, depth + 1, table)
        return table

    def node(n, parent, depth, table):
        if not wanted(n):
            return table
        s = spec(n, parent)
        if s["display"] == "hidden":
            return children(n["children"], n, depth, table)
        if n["type"] not in listed or s["display"] == "section":
            section(n, parent, depth)
            return None
        if s["display"] == "row":
            table = row(n, parent, table)
            rows_below = [c for c in n["children"] if spec(c, n)["display"] != "list"
                          or c["type"] not in listed]
            return children(rows_below, n, depth, table)
        title(n, s.get("prefix") or "")
        return table

    children(data["nodes"], None, 0, None)


OPERATORS = {"+": float.__add__, "-": float.__sub__, "*": float.__mul__, "/": float.__truediv__}


def printed_values(table):
    """What each row should print, computed here without the application's code:
    reported values where a row has them, else its formula ("sum" of the value rows
    since the last formula row, or "a <op> b" over what earlier rows print); a column
    with a formula is computed from the row's other cells, and wins over the row's."""
    printed, block, out = {}, [], []
    columns = [c if isinstance(c, dict) else {"label": c} for c in table["columns"]]
    n = len(columns)
    for row in table["rows"]:
        formula = row.get("formula")
        reported = row.get("values")
        if formula is None:
            values = list(reported)
        elif formula == "sum":
            values = [sum(r["values"][i] or 0 for r in block) for i in range(n)]
        else:
            left, op, right = formula.split()
            values = []
            for i in range(n):
                a, b = printed[left][i], printed[right][i]
                values.append(None if a is None or b is None or (op == "/" and b == 0)
                              else OPERATORS[op](float(a), float(b)))
        if formula is not None and reported is not None:
            values = [r if r is not None else v for r, v in zip(reported, values)]
        for i, column in enumerate(columns):
            if column.get("formula"):
                names = {c["key"]: values[j] for j, c in enumerate(columns) if c.get("key")}
                if reported is not None and reported[i] is not None:
                    values[i] = reported[i]
                elif all(names.get(k) is not None for k in re.findall(r"[A-Za-z_]\w*", column["formula"])):
                    values[i] = eval(column["formula"], {"__builtins__": {}}, names)  # test data
                else:
                    values[i] = None
        block = [] if formula else block + [row]
        printed[row.get("key")] = values
        out.append((row, values))
    return out


def column_label(column):
    return column if isinstance(column, str) else column["label"]


def cell_decimals(row, column, i):
    decimals = row.get("decimals", 0)
    if isinstance(decimals, list):
        return decimals[i] if decimals[i] is not None else (column.get("decimals") or 0)
    if isinstance(column, dict) and column.get("decimals") is not None:
        return column["decimals"]
    return decimals


def expected_table(check, table, heading=None, adjacent=False, before=None):
    """A table's heading says what its title adds to the heading above it (after its
    dash), and nothing where it would repeat that heading or the title just before."""
    title = table["title"]
    if table.get("show_title") is False:
        pass
    elif heading and title.startswith(heading + " – "):
        check.find(title[len(heading) + 3:], "table title after the section's heading")
    elif title != (before or {}).get("title") and not (adjacent and title == heading):
        check.find(title, "table title")
    groups = [c.get("group") if isinstance(c, dict) else None for c in table["columns"]]
    if table.get("unit_label"):
        check.find(table["unit_label"], "corner cell")
    if any(groups):
        # Two header rows: group headers beside the ungrouped columns, then the grouped ones.
        first = [g or column_label(c) for g, c in zip(groups, table["columns"])]
        for label in dict.fromkeys(first):
            check.find(label, "column or group header")
        for g, c in zip(groups, table["columns"]):
            if g:
                check.find(column_label(c), "column under its group")
    else:
        for column in table["columns"]:
            check.find(column_label(column), "column")
    for row, values in printed_values(table):
        with check.row():
            check.cell()
            check.find(row["label"], "row label")
            for i, (value, column) in enumerate(zip(values, table["columns"])):
                if value is not None:
                    suffix = column.get("suffix") or "" if isinstance(column, dict) else ""
                    check.find(swedish(value, cell_decimals(row, column, i)) + suffix.strip(),
                               f'value of {row["label"]}')


def expected_sections(check, sections, tables):
    for section in sections or []:
        check.find(section["heading"], "section heading")
        check.html(section["body"], "section body")
        keys = section.get("tables") or []
        for i, key in enumerate(keys):
            expected_table(check, tables[key], section["heading"], i == 0 and not section["body"],
                           tables[keys[i - 1]] if i else None)
        check.html(section.get("body_after"), "section text after its tables")


def expected_case(data, check):
    tables = {t["key"]: t for t in data["tables"]}
    for doc in data["documents"]:
        phase = doc["phase"]
        check.find(doc["title"], "memo title")
        words = wording(data)
        if words["proposals_heading"]:
            check.find(words["proposals_heading"])
        for proposal in doc["proposals"]:
            check.find(proposal, "proposal")
        expected_sections(check, doc["sections"], tables)
        check.find(doc.get("appendices_heading") or "Beslutsunderlag")
        for a in doc["appendices"]:
            item = wording(data, a)["appendix_item"]
            if item:
                check.find(item.format(number=a["number"], title=a["title"]), "list of appendices")
        for signature in doc.get("signatures") or [data["organisation"]["director"]]:
            check.find(signature["name"], "signature")
            check.find(signature["title"], "signer's title")
        for a in doc["appendices"]:
            if a.get("cover"):
                check.find(data["organisation"]["municipality"], "cover")
                check.find(a["cover"]["title"], "cover title")
            for field in a.get("header") or []:
                if field["value"]:
                    check.find(field["value"].split("\n")[0], "header field")
            heading = wording(data, a)["appendix_title"].format(
                number=a["number"], title=a.get("heading") or a["title"])
            check.find(" ".join(heading.split()), "appendix heading")
            if a.get("contents"):
                check.find(wording(data, a)["contents_heading"], "contents")
                for chapter in a.get("chapters") or []:
                    check.find(chapter["title"], "contents entry")
            expected_part(check, data, a, phase, tables)
            for chapter in a.get("chapters") or []:
                check.find(chapter["title"], "chapter title")
                expected_part(check, data, chapter, phase, tables)


def expected_part(check, data, a, phase, tables):
    """What an appendix or a chapter prints itself: intro, generated content, sections."""
    check.html(a.get("intro"), "appendix intro")
    if a["kind"] == "plan":
        expected_plan(check, data, a, phase)
    elif a["kind"] == "internal_control":
        expected_control(check, data, a, phase)
    elif a["kind"] == "tables":
        keys = a.get("tables") or []
        for i, key in enumerate(keys):
            expected_table(check, tables[key], before=tables[keys[i - 1]] if i else None)
    expected_sections(check, a.get("sections"), tables)


CONTROL_FIELDS = ("area", "process", "risk", "control", "method", "results", "comment")


def expected_control(check, data, appendix, phase):
    words = wording(data, appendix)
    given = {**(data.get("wording") or {}), **(appendix.get("wording") or {})}
    not_reported = given.get("not_reported", "Ej rapporterat")
    ic = data["internal_control"]
    levels = {lv["key"]: lv["label"] for lv in data["scales"][ic["scale"]]["levels"]}
    order = [p["key"] for p in data["phases"]]
    phases = appendix.get("phases") or order[:order.index(phase) + 1]
    points = ic["points"]
    columns = [c["field"] for c in appendix["columns"]] if appendix.get("columns") else [
        f for f in CONTROL_FIELDS if f == "results" or any(
            p.get("comments", {}).get(phase) if f == "comment" else p.get(f) for p in points)]
    for p in points:
        with check.row():
            for field in columns:
                if field == "results":
                    for key in phases:
                        check.cell()
                        level = p["results"].get(key)
                        check.find(levels[level] if level else not_reported, "control result")
                    continue
                check.cell()
                if field == "comment":
                    check.html(p.get("comments", {}).get(phase), "control comment")
                elif field == "control" and p.get("mandatory"):
                    check.find(f'{words["mandatory_control"]} {p["control"]}'.strip(), "mandatory control")
                else:
                    check.find(p.get(field), f"control {field}")


def render(cli, path, tmp_path, *args):
    assert cli.invoke(args=["plan", "import", str(path)]).exit_code == 0
    data = load_json(path)
    key = f'{data["organisation"]["board_code"]}-{data["year"]}'
    out = tmp_path / "case.pdf"
    result = cli.invoke(args=["report", "render", key, data["documents"][0]["phase"],
                              "--out", str(out), *args])
    assert result.exit_code == 0, result.stderr
    return data, out.read_bytes()


@pytest.mark.parametrize("path", plan_params())
def test_whole_case_has_every_text_in_document_order(cli, ctx, path, tmp_path):
    data, pdf = render(cli, path, tmp_path)
    doc_words, pages = reading_order(pdf)
    check = InOrder(doc_words)
    expected_case(data, check)
    print(f"{path.stem}: {check.found} element i ordning på {len(pages)} sidor")
    assert check.missing == []


@pytest.mark.parametrize("path", plan_params())
def test_each_document_numbers_its_own_pages_and_the_case_has_outline_and_metadata(
        cli, ctx, path, tmp_path):
    data, pdf = render(cli, path, tmp_path)
    _, pages = reading_order(pdf)
    memo = data["documents"][0]
    n_documents = 1 + len(memo["appendices"])
    # A document's first page says "Sida 1 (N)"; a cover page says nothing, and the page
    # after it "Sida 2 (N)".
    first_pages = [i - 1 if "Sida 2 (" in text and "Sida" not in pages[i - 1] else i
                   for i, text in enumerate(pages)
                   if "Sida 1 (" in text or ("Sida 2 (" in text and "Sida" not in pages[i - 1])]
    assert len(first_pages) == n_documents and first_pages[0] == 0
    # Within each document, "Sida k (N)" counts up to its own N.
    bounds = first_pages + [len(pages)]
    for start, end in zip(bounds, bounds[1:]):
        total = end - start
        for k, text in enumerate(pages[start:end], 1):
            assert f"Sida {k} ({total})" in text or (k == 1 and "Sida" not in text)

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles[0] == memo["title"]
    for a in memo["appendices"]:
        heading = wording(data, a)["appendix_title"].format(
            number=a["number"], title=a.get("heading") or a["title"])
        assert " ".join(heading.split()) in titles
    assert reader.metadata.title == memo["title"]
    assert reader.metadata.author == data["organisation"]["administration"]
    assert reader.trailer["/Root"]["/Lang"] == "sv"
    assert reader.pages[0].mediabox.width == pytest.approx(595.3, abs=1)  # A4
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


@pytest.mark.skipif(not FIXTURE_FILES, reason="../shared/fixtures saknas")
def test_internal_control_appendix_is_landscape_and_key_figures_compute(cli, ctx, tmp_path):
    path = next(p for p in FIXTURE_FILES if "2023" in p.name)
    _, pdf = render(cli, path, tmp_path, "--appendix", "2")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert all(p.mediabox.width > p.mediabox.height for p in reader.pages)
    out = tmp_path / "nyckeltal.pdf"
    assert cli.invoke(args=["report", "render", "SCN-2023", "december", "--appendix", "5",
                            "--out", str(out)]).exit_code == 0
    pdf = out.read_bytes()
    doc_words, _ = reading_order(pdf)
    check = InOrder(doc_words)
    check.find("Nettokostnad per vård dygn 5,0")  # (176 017 − 6 404) / 33 708
    assert check.missing == []


def test_archival_variant_is_pdf_a_2a(cli, ctx, tmp_path):
    from followup.demo import PLAN_FILE

    data, pdf = render(cli, PLAN_FILE, tmp_path, "--archival")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    xmp = reader.xmp_metadata
    assert xmp is not None
    raw = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r'pdfaid:part(="|>)2', raw) and re.search(r'pdfaid:conformance(="|>)A', raw)
    assert "/OutputIntents" in reader.trailer["/Root"]
    doc_words, _ = reading_order(pdf)
    check = InOrder(doc_words)
    expected_case(data, check)
    assert check.missing == []


def test_demo_memo_renders_in_order(cli, ctx, tmp_path):
    from followup.demo import PLAN_FILE

    data, pdf = render(cli, PLAN_FILE, tmp_path)
    check = InOrder(reading_order(pdf)[0])
    expected_case(data, check)
    assert check.missing == []


def test_bad_data_is_marked_in_the_document_not_a_crash(cli, ctx, tmp_path):
    from followup.demo import PLAN_FILE

    assert cli.invoke(args=["plan", "import", str(PLAN_FILE)]).exit_code == 0
    memo = db.session.scalar(select(Memo))
    appendix = next(a for a in memo.appendices if a.kind == "tables")
    appendix.tables = ["resultat-augusti", "finns-inte"]
    hvb = db.session.scalar(select(FigureTable).where(FigureTable.key == "nyckeltal-hvb"))
    days = next(r for r in hvb.rows if r.key == "dygn")
    days.values = [0, 5310]
    db.session.commit()
    out = tmp_path / "x.pdf"
    result = cli.invoke(args=["report", "render", "SOC-2026", "augusti", "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    text = " ".join(reading_order(out.read_bytes())[1])
    assert "Tabellen ”finns-inte” finns inte i planen." in text
    assert "division med noll" in text


def test_unknown_plan_phase_or_appendix_is_a_clear_error(cli, ctx, tmp_path):
    from followup.demo import PLAN_FILE

    cli.invoke(args=["plan", "import", str(PLAN_FILE)])
    out = str(tmp_path / "x.pdf")
    for args, message in [(["NOPE-1", "augusti"], "Planen NOPE-1 finns inte"),
                          (["SOC-2026", "april"], "har ingen tjänsteskrivelse"),
                          (["SOC-2026", "augusti", "--appendix", "9"], "ingen bilaga 9")]:
        result = cli.invoke(args=["report", "render", *args, "--out", out])
        assert result.exit_code == 1 and message in result.stderr


def test_a_refused_render_says_why_and_nothing_else(tmp_path):
    """As a person runs it, in a process of its own: the workers it starts early must not
    leave a traceback behind when it stops at a fault (one run in three did)."""
    import os
    import subprocess
    import sys

    root = ROOT
    env = dict(os.environ, FOLLOWUP_DATABASE_URL=f"sqlite:///{tmp_path}/cli.sqlite",
               FOLLOWUP_INSTANCE_PATH=str(tmp_path), FOLLOWUP_SECRET_KEY="test",
               FOLLOWUP_PDF_WORKERS="2", FLASK_APP="app")
    flask = [sys.executable, "-m", "flask"]
    subprocess.run(flask + ["db", "upgrade"], cwd=root, env=env, check=True,
                   capture_output=True)
    for _ in range(3):
        run = subprocess.run(flask + ["report", "render", "NOPE-1", "augusti", "--out",
                                      str(tmp_path / "x.pdf")],
                             cwd=root, env=env, capture_output=True, text=True)
        assert run.returncode == 1
        assert run.stderr == "Fel: Planen NOPE-1 finns inte.\n"


def test_the_reading_checker_notices_missing_and_reordered_text():
    from tests.pdftext import InOrder, words

    doc = words("Fokusmål 1 Uppsala ska växa. Uppdrag Status förvaltnings\N{HYPHEN} "
                "gemensamma Färdig Sida 1 (2) mål och budget")
    check = InOrder(doc)
    check.find("Uppsala ska växa.")
    check.find("förvaltningsgemensamma")  # hyphenated over a line: one word
    check.find("mål och budget")
    assert check.missing == []
    check.find("Fokusmål 1")  # comes before the last match: out of order
    check.find("Uppsala ska krympa.")
    assert len(check.missing) == 2


def test_a_memo_without_the_phases_data_marks_what_is_missing(as_user):
    sara = as_user("sara")
    sara.get("/plans/SOC-2026/phases/december/tjansteskrivelse/")
    sara.post("/plans/SOC-2026/phases/december/tjansteskrivelse/redigera/skapa")
    sara.get("/plans/SOC-2026/phases/december/tjansteskrivelse/redigera/")
    sara.post("/plans/SOC-2026/phases/december/tjansteskrivelse/redigera/bilagor",
              {"nyb-title": "Uppföljning per december", "nyb-kind": "plan"})
    from followup.memos.models import Appendix
    appendix = db.session.scalar(select(Appendix).where(Appendix.title == "Uppföljning per december"))
    appendix.node_types = ["inriktningsmal", "uppdrag"]
    db.session.commit()
    pdf = sara.get("/plans/SOC-2026/phases/december/tjansteskrivelse/pdf")
    assert pdf.status_code == 200
    from followup.demo import PLAN_FILE

    data = load_json(PLAN_FILE)
    check = InOrder(reading_order(pdf.data)[0])
    goal = data["nodes"][0]
    check.find(goal["title"], "goal title")
    check.find("Ej rapporterad", "goal not reported in december")
    first_row = goal["children"][0]["children"][0]  # an uppdrag, a row under the goal
    check.find(first_row["title"], "row")
    check.find("Ej rapporterad", "row not reported in december")
    assert check.missing == []


def test_a_comment_at_the_length_limit_renders_over_many_pages(cli, ctx, tmp_path):
    import time

    from followup.demo import PLAN_FILE
    from followup.followups.models.followup import Followup
    from followup.plans.models.node import Node
    from followup.plans.models.plan import Phase

    cli.invoke(args=["plan", "import", str(PLAN_FILE)])
    followup = db.session.scalar(select(Followup).join(Node).join(Phase, Followup.phase_id == Phase.id).where(
        Node.key == "u2", Phase.key == "augusti"))
    paragraph = "<p>" + ("Familjehemmen behöver stöd och handledning. " * 20) + "</p>"
    followup.comment = (paragraph * (100_000 // len(paragraph)))[:99_990]
    db.session.commit()
    out = tmp_path / "long.pdf"
    start = time.perf_counter()
    result = cli.invoke(args=["report", "render", "SOC-2026", "augusti", "--appendix", "1",
                              "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    _, pages = reading_order(out.read_bytes())
    assert len(pages) > 10
    # The table's header row is on every page the long row runs over.
    assert all("Kommentar" in text for text in pages[1:-1])
    print(f"100 000-character comment: {len(pages)} pages in {time.perf_counter() - start:.1f} s")


@pytest.mark.parametrize("path", v1_params())
def test_version_1_original_renders_all_its_content_by_the_default_layout(
        cli, ctx, path, tmp_path):
    data, pdf = render(cli, path, tmp_path)
    check = InOrder(reading_order(pdf)[0])
    expected_case(data, check)
    assert check.missing == []


@pytest.mark.parametrize("template, printed", [
    ("Bilaga {number}, {title}", "Bilaga 3, Ekonomi"),
    ("Bilaga {number:>5000000}", "Bilaga 3"),  # no width: a plan file's words fill no page
    ("{title!r} {title:*^3000000}", "Ekonomi Ekonomi"),
    ("{number.__class__.__mro__}{missing}", ""),  # nothing of our internals
    ("Bilaga {number", "Bilaga {number"),  # no template: as written
])
def test_a_plan_file_s_words_fill_in_only_the_names_of_their_placeholders(template, printed):
    from followup.documents.wording import filled

    assert filled(template, {"number": 3, "title": "Ekonomi"}) == printed
