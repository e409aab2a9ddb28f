"""Accessible and archival in one file: the structure tree of every document, read back.

What is checked here from the file itself: language sv and a title the viewer shows;
headings H1… in order without skipped levels; tables with a header row of TH cells
in THead and every data cell naming its headers; lists as L/LI/LBody; charts as
Figure with their text alternative; every character either tagged or an artifact,
with page numbers and running heads as artifacts; the archival case identified as
PDF/A-2a with an output intent.
"""

import re

import pytest
from sqlalchemy import select

from followup.core import pdf as pipeline
from followup.core.extensions import db
from followup.memos import reports
from followup.memos.models import Memo
from tests.fixtures import fixture_params, load_json
from tests.pdfstructure import Report, check_part, check_pdf

VALIDATOR_STILL_CHECKS = """\
A validator must still check (veraPDF for PDF/A-2a and PDF/UA-1, or PAC): the fonts'
embedded programs and ToUnicode maps (PDF/A 6.2.11), colour spaces against the output
intent, the XMP packet against its schemas (and an extension schema before pdfuaid may
be added), that no content is hidden or clipped; and a person that the reading order,
the alternative texts and the table headers make sense read aloud. Known limits of the
installed WeasyPrint: an element that continues on the next page is a second element
there (two Table, P or Sect for one), and headings inside text a user wrote keep the
levels the user gave them."""


def _render(cli, tmp_path, path, *args):
    data = load_json(path)
    key = f'{data["organisation"]["board_code"]}-{data["year"]}'
    out = tmp_path / f"case{'-'.join(args)}.pdf"
    result = cli.invoke(args=["report", "render", key, data["documents"][0]["phase"],
                              "--out", str(out), *args])
    assert result.exit_code == 0, result.stderr
    return out.read_bytes()


@pytest.mark.parametrize("path", fixture_params())
def test_every_document_is_tagged_and_the_archival_case_is_pdf_a_2a(cli, ctx, path, tmp_path):
    assert cli.invoke(args=["plan", "import", str(path)]).exit_code == 0
    ordinary = _render(cli, tmp_path, path)
    archival = _render(cli, tmp_path, path, "--archival")
    memo = reports.load(db.session.scalar(select(Memo)).id)
    docs = reports.documents(memo)
    charts = [re.sub(r"\s+", " ", t) for d in docs
              for t in re.findall(r"<title id=\"[^\"]*\">([^<]*)</title>", d.html)]

    for name, data, archive in (("vanlig", ordinary, False), ("arkiv", archival, True)):
        report = check_pdf(data, archival=archive)
        levels = sorted({level for level, _ in report.headings})
        print(f"\n{path.stem} ({name}): {report.counts['documents']} dokument, rubriker H"
              + ", H".join(map(str, levels)) + f"; {report.counts['/Table']} Table, "
              f"{report.counts['/TH']} TH, {report.counts['/TD']} TD, {report.counts['/L']} L, "
              f"{report.counts['/LI']} LI, {report.counts['/Figure']} Figure; "
              f"{report.counts['tagged characters']} taggade tecken, "
              f"{report.counts['artifact characters']} artefakttecken, "
              f"{report.counts['page numbers as artifacts']} sidnummer som artefakt")
        for note in report.notes:
            print(f"  att se över: {note}")
        assert report.faults == []
        assert report.counts["documents"] == len(docs)
        assert {1, 2, 3} <= set(levels)
        assert report.counts["/Table"] and report.counts["/L"] and report.counts["/LI"]
        assert report.counts["page numbers as artifacts"] > 0
        # Each chart is a Figure whose alternative is the chart's own description.
        assert sorted(a.replace("\xa0", " ") for a in report.figure_alts) == \
            sorted(c.replace("\xa0", " ") for c in charts)

    # Each document's own PDF is tagged the same way, on its own.
    for plain, kept in pipeline.render_variants(docs):
        for data, archive in ((plain, False), (kept, True)):
            report = check_pdf(data, archival=archive)
            assert report.faults == []
    print(VALIDATOR_STILL_CHECKS)


def test_the_checker_finds_what_is_missing():
    """A document made to have each fault: the checker names every one."""
    import pikepdf

    pdf = pikepdf.new()
    make = pdf.make_indirect
    part = make(pikepdf.Dictionary(S=pikepdf.Name.Part, K=pikepdf.Array()))

    def element(tag, *kids, **extra):
        e = make(pikepdf.Dictionary(S=pikepdf.Name(tag), K=pikepdf.Array(kids), **extra))
        return e

    part.K.extend([
        element("/H2"),  # first heading not H1
        element("/H4"),  # skips H3
        element("/Table", element("/TBody", element("/TR", element("/TD")))),
        element("/L", element("/P")),
        element("/Figure"),
    ])
    report = Report()
    check_part(part, report)
    assert report.faults == [
        "first heading is H2, not H1", "H2 followed by H4", "a Table without THead",
        "a list (L) whose children are not all LI", "a Figure without a text alternative (Alt)"]

    # And a file with no tags, language or title at all.
    out = pikepdf.new()
    out.add_blank_page()
    import io

    buffer = io.BytesIO()
    out.save(buffer)
    faults = check_pdf(buffer.getvalue(), archival=True).faults
    assert any("Lang" in f for f in faults) and any("DisplayDocTitle" in f for f in faults)
    assert any("PDF/A-2a" in f for f in faults) and "no structure tree" in faults
