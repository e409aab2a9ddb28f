"""The joined case keeps what each document's own PDF has: links that lead somewhere,
fonts that are its own, and one structure tree; an unchanged case is not laid out again."""

import io
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import pikepdf

from followup.core import pdf, pdf_layout
from followup.plans import lock
from followup.documents.tests.test_documents import render
from followup.memos import reports

PLAN = Path(__file__).parent / "plans" / "lindvik-kfn-2025.json"  # an appendix with contents


def _case(cli, tmp_path, *args):
    data, case = render(cli, PLAN, tmp_path, *args)
    return f'{data["organisation"]["board_code"]}-{data["year"]}', \
        data["documents"][0]["phase"], case


def _names(tree):
    names = {}
    for i in range(0, len(tree.get("/Names", [])), 2):
        names[str(tree.Names[i])] = tree.Names[i + 1]
    for kid in tree.get("/Kids", []):
        names.update(_names(kid))
    return names


def test_the_contents_links_of_the_joined_case_lead_to_their_chapters(cli, ctx, tmp_path):
    _, _, data = _case(cli, tmp_path, "--archival")
    case = pikepdf.open(io.BytesIO(data))
    destinations = _names(case.Root.Names.Dests)
    pages = {page.obj.objgen: n for n, page in enumerate(case.pages)}
    links = [(n, a) for n, page in enumerate(case.pages) for a in page.obj.get("/Annots", [])
             if a.get("/Subtype") == "/Link" and "/Dest" in a]
    assert links, "the appendix's contents list links to its chapters"
    for n, link in links:
        target = destinations[str(link.Dest)]
        target = target.D if isinstance(target, pikepdf.Dictionary) else target
        # A chapter begins where the contents list that leads to it is, or after it.
        assert pages[target[0].objgen] >= n
        # The link is part of the structure tree (a Link element), as PDF/UA asks.
        assert "/StructParent" in link


def test_each_documents_font_subsets_have_names_of_their_own(cli, ctx, tmp_path):
    _, _, data = _case(cli, tmp_path)
    case = pikepdf.open(io.BytesIO(data))
    programs = {}
    for page in case.pages:
        for font in page.Resources.Font.values():
            descriptor = font.DescendantFonts[0].FontDescriptor
            program = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
            programs.setdefault(str(font.BaseFont), set()).add(program.objgen)
    # One name, one subset: documents' subsets of one font differ, and so do their names.
    assert all(len(p) == 1 for p in programs.values()), programs
    assert len(programs) > 1


def test_an_unchanged_case_renders_from_memory_byte_for_byte(cli, ctx, tmp_path, app,
                                                             monkeypatch):
    monkeypatch.setenv("FOLLOWUP_PDF_WORKERS", "0")  # every layout in this process, seen
    key, phase, _ = _case(cli, tmp_path)
    with app.app_context():
        first = reports.render_pdf(reports.find_memo(key, phase))
    laid_out = []
    layout = pdf_layout.layout
    monkeypatch.setattr(pdf_layout, "layout",
                        lambda html: laid_out.append(html) or layout(html))
    with app.app_context():
        again = reports.render_pdf(reports.find_memo(key, phase))
    assert again == first and laid_out == []
    # One document changed, as an operation changes it (under the plan's lock, which
    # counts the plan's revision): only it is laid out again.
    with app.app_context():
        memo = reports.find_memo(key, phase)
        lock.lock_plan(memo.plan_id)
        memo.title += " (ändrad)"
        reports.render_pdf(memo)
    assert len(laid_out) == 1


def test_each_document_is_laid_out_while_the_next_is_written(monkeypatch):
    """A cold case waited for every document's HTML (charts and all) before the first
    was laid out."""
    import pdfplumber

    monkeypatch.setenv("FOLLOWUP_PDF_WORKERS", "2")
    pool = pdf._pool()  # running, as `report render` and the web app start it
    handed_out = []

    class Watched:
        def submit(self, *args):
            handed_out.append(args[1])
            return pool.submit(*args)

    monkeypatch.setattr(pdf, "_pool", Watched)
    seen = []

    def documents():
        for n in range(1, 4):
            yield SimpleNamespace(html=f'<html lang="sv"><body><h1>Dokument {n}</h1>'
                                       f"<p>Text {n} {uuid.uuid4()}</p></body></html>")
            # Asked for the next one: the one before is on its way to a worker.
            deadline = time.monotonic() + 20
            while len(handed_out) < n and time.monotonic() < deadline:
                time.sleep(0.01)
            seen.append(len(handed_out))

    data = pdf.render_case(documents(), "Ärendet", "Förvaltningen")
    assert seen == [1, 2, 3]
    with pdfplumber.open(io.BytesIO(data)) as case:
        assert [p.extract_text().split("\n")[0] for p in case.pages] == [
            "Dokument 1", "Dokument 2", "Dokument 3"]


def test_weasyprint_reads_the_print_stylesheet_without_a_warning(caplog):
    """A rule WeasyPrint cannot read is a rule it drops: the phone preview's width query
    was one, warned of in the log of every process that rendered."""
    import logging

    import weasyprint

    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        weasyprint.CSS(filename=str(pdf_layout.STYLESHEET))
    assert [r.getMessage() for r in caplog.records] == []


def test_a_process_keeps_pdfs_up_to_its_bytes_the_least_recently_used_dropped_first():
    from followup.core.pdf_cache import _Cache

    kept = _Cache(limit=10)
    kept.put("a", b"1234")
    kept.put("b", b"1234")
    assert kept.get("a") == b"1234"  # now b is the least recently used
    kept.put("c", b"1234")
    assert (kept.get("a"), kept.get("b"), kept.get("c")) == (b"1234", None, b"1234")
    kept.put("a", b"123456")  # replaced, counted once
    assert kept.size == 10 and kept.get("c") == b"1234"
    kept.put("huge", b"x" * 11)  # more than all it may hold: not kept, nothing dropped
    assert kept.get("huge") is None and kept.size == 10


def test_a_layout_in_a_job_is_stopped_at_its_limit_with_a_swedish_message_naming_it():
    """A job of the queue lays out in its own process: there, too, one document may not
    hold it for good. Run in a process of its own, as a worker's is."""
    import subprocess
    import sys

    script = (
        "import time\n"
        "from followup.core import pdf, pdf_layout\n"
        "html = '<html lang=sv><body>' + '<p>Ett stycke text som tar tid.</p>' * 4000\n"
        "start = time.monotonic()\n"
        "try:\n"
        "    pdf._render_here(html, {pdf_layout.ORDINARY}, 't', 'Bilaga 1', limit=0.2)\n"
        "    print('laid out')\n"
        "except pdf.RenderFailed as e:\n"
        "    print(round(time.monotonic() - start, 1), e.message)\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).parents[1],
                          capture_output=True, text=True, timeout=120)
    seconds, message = done.stdout.split(" ", 1)
    assert float(seconds) < 5, done.stdout
    assert "Bilaga 1" in message and "tog längre än 0,2 sekunder" in message
