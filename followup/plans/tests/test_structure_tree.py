"""The documents' structure tree as an assistive technology reads it (issue 17, item 4):
headings never skip a level, a contents entry's link is its words, a chart's text
alternative is its figure's and the figure follows the text before it."""

import io
import json
import re

import pikepdf

from followup.core.html import print_ready
from tests.fixtures import OWN_PLANS
from tests.pdfstructure import check_pdf


def test_a_users_headings_follow_the_documents_heading_above_them():
    text = "<p>Inledning</p><h4>Delrubrik</h4><p>Text</p><h4>Nästa</h4>"
    assert str(print_ready(text, 2)).count("<h3>") == 2
    both = print_ready("<h3>A</h3><h4>B</h4>", 3)
    assert "<h4>A</h4>" in str(both) and "<h5>B</h5>" in str(both)
    assert print_ready("<h4>X</h4>") == print_ready("<h4>X</h4>", None)  # no context: as written


def test_a_comment_with_a_fourth_level_heading_under_a_section_skips_no_level(cli, ctx, tmp_path):
    from followup.demo import PLAN_FILE

    data = json.loads(PLAN_FILE.read_text(encoding="utf-8"))
    goal = data["nodes"][0]
    goal["followups"]["augusti"]["comment"] = "<h4>Bakgrund</h4><p>Text.</p><h4>Nu</h4><p>Mer.</p>"
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert cli.invoke(args=["plan", "import", str(path)]).exit_code == 0
    out = tmp_path / "b1.pdf"
    assert cli.invoke(args=["report", "render", "SOC-2026", "augusti", "--appendix", "1",
                            "--out", str(out)]).exit_code == 0
    report = check_pdf(out.read_bytes())
    assert report.faults == [] and report.notes == []


def test_a_contents_entry_links_its_words_and_gives_its_page(cli, ctx, tmp_path):
    path = next(p for p in OWN_PLANS if p.stem == "lindvik-kfn-2025")
    key = cli.invoke(args=["plan", "import", str(path)]).stdout.strip()
    data = json.loads(path.read_text(encoding="utf-8"))
    memo = data["documents"][0]
    appendix = next(a for a in memo["appendices"] if a.get("contents"))
    out = tmp_path / "report.pdf"
    assert cli.invoke(args=["report", "render", key, memo["phase"], "--appendix",
                            str(appendix["number"]), "--out", str(out)]).exit_code == 0
    pdf = pikepdf.open(io.BytesIO(out.read_bytes()))
    import pdfplumber

    with pdfplumber.open(io.BytesIO(out.read_bytes())) as doc:
        contents = next(p for p in doc.pages if "Innehåll" in (p.extract_text() or ""))
        words = contents.extract_words()
        links = [a for a in contents.annots if a.get("uri") is None]
        assert links, "no links in the contents"
        for link in links:
            inside = " ".join(w["text"] for w in words
                              if link["x0"] - 1 <= w["x0"] and w["x1"] <= link["x1"] + 1
                              and link["top"] - 1 <= w["top"] and w["bottom"] <= link["bottom"] + 1)
            assert inside and "." * 3 not in inside.replace(" ", ""), inside
            assert not re.search(r"\d+$", inside), inside
        text = contents.extract_text()
    for chapter in appendix["chapters"]:
        assert re.search(re.escape(chapter["title"]) + r"[ .]+\d+", text), chapter["title"]
    assert check_pdf(out.read_bytes()).faults == []
    pdf.close()
