"""Every plan file 2.1 key of the memo and its appendices is edited in the browser's
memo editor (issue 17, item 1), and nothing the editor does not show is lost: a page saved
untouched exports the same file."""

import io
import json
import re
from html.parser import HTMLParser

import pypdf
import pytest
from sqlalchemy import select

from followup.core.extensions import db
from followup.memos.models import Appendix, Memo, MemoState
from followup.planfile.tests.test_planfile_21 import with_21_keys, write

MEMO = "/plans/SOC-2026/phases/augusti/tjansteskrivelse"
EDIT = MEMO + "/redigera"


class _Forms(HTMLParser):
    """Every form of a page by its id: what a browser posts, several values a name."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.current, self.select, self.textarea = {}, None, None, None
        self.options = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.current = self.forms.setdefault(a.get("id") or f"form-{len(self.forms)}",
                                                 {"action": a.get("action"), "fields": []})
            return
        if self.current is None:
            return
        name, fields = a.get("name"), self.current["fields"]
        if tag == "input" and name and a.get("type") not in ("submit", "file"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    fields.append((name, a.get("value", "y")))
            else:
                fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self.select, self.options = (name, "multiple" in a), []
        elif tag == "option" and self.select:
            self.options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select" and self.select:
            (name, multiple), chosen = self.select, [v for v, s in self.options if s]
            if not multiple and not chosen and self.options:
                chosen = [self.options[0][0]]
            self.current["fields"].extend((name, v) for v in chosen)
            self.select = None
        elif tag == "textarea" and self.textarea:
            # A browser drops the line break that starts a textarea's content.
            name, value = self.textarea
            value = value[2:] if value.startswith("\r\n") else value[1:] \
                if value.startswith("\n") else value
            self.current["fields"].append((name, value))
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data


def forms(html):
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def as_post(fields, **changed):
    """The fields as the test client posts them, with ``changed`` ones replaced."""
    out = {}
    for name, value in fields:
        out.setdefault(name, []).append(value)
    for name, value in changed.items():
        out[name] = value if isinstance(value, list) else [value]
    return {k: v if len(v) > 1 else v[0] for k, v in out.items() if v}


def post_form(browser, page_url, form_id, **changed):
    page = browser.get(page_url)
    assert page.status_code == 200, page.text[:300]
    form = forms(page.text)[form_id]
    return browser.post(form["action"] or page_url, as_post(form["fields"], **changed))


# The forms of an appendix's editor page name their fields after a letter and the
# appendix's id ("u12-orientation").
PREFIXES = {"kolumner-form": "k", "utskrift-form": "u", "rapport-form": "r"}


def post_part(browser, part, form_id, **changed):
    """One form of an appendix's editor page posted as the page has it, ``changed``
    (named without the form's prefix)."""
    prefix = f"{PREFIXES[form_id]}{part.id}-"
    return post_form(browser, f"{EDIT}/bilagor/{part.id}", form_id,
                     **{prefix + name: value for name, value in changed.items()})


def post_layout(browser, part, node_type, **changed):
    """An appendix's layout page posted as the page has it, ``changed`` in the entry of
    ``node_type`` (named without its prefix)."""
    i = [t.key for t in memo().plan.node_types].index(node_type)
    return post_form(browser, f"{EDIT}/bilagor/{part.id}/utseende", "utseende-form",
                     **{f"entries-{i}-{name}": value for name, value in changed.items()})


def memo():
    db.session.expire_all()
    return db.session.scalar(select(Memo).where(Memo.title.contains("augusti")))


def appendix(kind):
    return next(a for a in memo().appendices if a.kind == kind)


def exported(cli):
    result = cli.invoke(args=["plan", "export", "SOC-2026"])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def exported_memo(cli):
    return json.loads(exported(cli))["documents"][0]


def import_21(cli, tmp_path):
    result = cli.invoke(args=["plan", "import", "--replace", str(write(tmp_path, with_21_keys()))])
    assert result.exit_code == 0, result.stderr


def preview(browser, key):
    return browser.get(f"{MEMO}/forhandsgranska/{key}").text


def test_every_editor_page_saved_untouched_exports_the_same_file(as_user, cli, tmp_path):
    import_21(cli, tmp_path)
    before = exported(cli)
    sara = as_user("sara")
    saves = [(EDIT + "/", "uppgifter-form"), (EDIT + "/", "sidhuvud-form"),
             (EDIT + "/forslag", "forslag-form"), (EDIT + "/ord-och-utskrift", "ord-form")]
    for part in memo().appendices:
        url = f"{EDIT}/bilagor/{part.id}"
        saves += [(url, "uppgifter-form"), (url, "utskrift-form"), (url, "rapport-form")]
        if part.kind == "plan":
            saves.append((url + "/utseende", "utseende-form"))
        if part.kind == "internal_control":
            saves.append((url, "kolumner-form"))
    for url, form_id in saves:
        response = post_form(sara, url, form_id)
        assert response.status_code == 302, (url, form_id, response.text[-2000:])
        assert exported(cli) == before, (url, form_id)


def test_caption_prefix_position_and_widths_are_edited_exported_and_printed(as_user, cli):
    sara = as_user("sara")
    part = appendix("plan")
    response = post_layout(
        sara, part, "uppdrag", display="row", caption="UPPDRAG", title_prefix="KF-BESLUT:",
        prefix_position="before_text", **{
            "columns-0-field": "number_title", "columns-0-header": "Uppdrag",
            "columns-0-width": "45", "columns-1-field": "level", "columns-1-header": "Status",
            "columns-1-width": "12,5"})
    assert response.status_code == 302
    layout = exported_memo(cli)["appendices"][0]["layout"]
    assert layout["uppdrag"] == {
        "display": "row", "columns": [
            {"field": "number_title", "header": "Uppdrag", "width": 45},
            {"field": "level", "header": "Status", "width": 12.5}],
        "prefix": "KF-BESLUT: ", "prefix_position": "before_text", "caption": "UPPDRAG"}
    page = sara.get(f"{EDIT}/bilagor/{part.id}/utseende").text
    assert 'value="UPPDRAG"' in page and 'value="12,5"' in page
    assert '<option selected value="before_text">' in page
    html = preview(sara, f"bilaga-{part.number}")
    assert '<p class="caption">UPPDRAG</p>' in html
    assert re.search(r"KF-BESLUT: (<[^>]+>)*\s*1\.1\.1", html)


def test_a_bad_width_is_refused_in_words_and_nothing_is_saved(as_user):
    sara = as_user("sara")
    part = appendix("plan")
    response = post_layout(sara, part, "uppdrag", display="row", caption="UPPDRAG", **{
        "columns-0-field": "comment", "columns-0-width": "150"})
    assert response.status_code == 422
    assert "Uppdrag, kolumn 1: bredden ska vara ett tal större än 0 och högst 100" in response.text
    assert 'value="UPPDRAG"' in response.text  # what was typed is still there
    assert db.session.get(Appendix, part.id).layout is None


def test_control_columns_with_comment_merged_repeats_and_widths(as_user, cli):
    sara = as_user("sara")
    part = appendix("internal_control")
    response = post_part(sara, part, "kolumner-form", **{
        "columns-0-field": "area", "columns-0-header": "Område", "columns-0-width": "20",
        "columns-0-merge_repeats": "y", "columns-1-field": "results",
        "columns-1-header": "Resultat", "columns-1-with_comment": "y"})
    assert response.status_code == 302
    columns = exported_memo(cli)["appendices"][1]["columns"]
    assert columns == [
        {"field": "area", "header": "Område", "width": 20, "merge_repeats": True},
        {"field": "results", "header": "Resultat", "with_comment": True}]
    page = sara.get(f"{EDIT}/bilagor/{part.id}").text
    box = f"k{part.id}-columns-0-merge_repeats"
    assert f'name="{box}" type="checkbox" value="y"' in page or f'checked id="{box}"' in page
    response = post_part(sara, part, "kolumner-form", **{"columns-0-width": "noll"})
    assert response.status_code == 422 and "bredden ska vara ett tal" in response.text
    assert exported_memo(cli)["appendices"][1]["columns"] == columns


def test_an_appendix_prints_its_own_sender_header_lines_words_and_page(as_user, cli):
    sara = as_user("sara")
    part = appendix("plan")
    response = post_part(
        sara, part, "utskrift-form", orientation="landscape", level_chart="y",
        issuer_choice="annan", issuer="Socialnämnden", header_choice="egna-falt",
        running_lines="Fas: {phase} Rapportperiod: {period_end}\n\n{board} ({board_code})",
        **{"header-0-label": "Nämnd", "header-0-value": "Socialnämnden",
           "header-1-label": "Version", "header-1-value": "",
           "words-appendix_title-text": "Del {number}: {title}",
           "words-not_reported-text": "Saknas", "words-comment_header-off": "y"})
    assert response.status_code == 302, response.text[-2000:]
    out = exported_memo(cli)["appendices"][0]
    assert out["orientation"] == "landscape" and out["level_chart"] is True
    assert out["issuer"] == "Socialnämnden"
    assert out["header"] == [{"label": "Nämnd", "value": "Socialnämnden"},
                             {"label": "Version", "value": ""}]
    assert out["running_lines"] == ["Fas: {phase} Rapportperiod: {period_end}",
                                    "{board} ({board_code})"]
    assert out["wording"] == {"appendix_title": "Del {number}: {title}",
                              "not_reported": "Saknas", "comment_header": ""}
    html = preview(sara, f"bilaga-{part.number}")
    assert f"Del {part.number}: {part.title}" in html
    assert "Fas: Delårsbokslut per augusti Rapportperiod: 2026-08-31" in html
    assert "Socialnämnden (SOC)" in html and "Nämnd" in html
    # Back: the administration, the appendix's own fields, the plan's words.
    response = post_part(
        sara, part, "utskrift-form", orientation="portrait", issuer_choice="ingen",
        header_choice="egna-uppgifter", running_lines="",
        **{"words-appendix_title-text": "", "words-not_reported-text": "",
           "words-comment_header-off": []})
    assert response.status_code == 302
    out = exported_memo(cli)["appendices"][0]
    assert out["issuer"] == "" and "header" not in out and "running_lines" not in out
    assert "wording" not in out and out.get("orientation") in (None, "portrait")


@pytest.mark.parametrize("changed, message", [
    ({"issuer_choice": "annan", "issuer": ""}, "Skriv avsändaren, eller välj ett av de andra"),
    ({"running_lines": "Fas: {fas}"}, "Rad 1 under sidhuvudet: {fas} fylls inte i."),
    ({"running_lines": "Fas: {phase"}, "en klammer { eller } saknar sin motsvarighet"),
    ({"header_choice": "egna-falt", "header-0-value": "Socialnämnden"},
     "Rad 1 i sidhuvudet har ett värde men ingen rubrik."),
    ({"words-appendix_title-text": "Bilaga {nummer}"}, "{nummer} fylls inte i"),
    # A width would make a page of megabytes that no PDF can be made of.
    ({"running_lines": "{board:>3000000}"}, "skriv platshållaren som {board}, utan tecken"),
    ({"words-appendix_title-text": "Bilaga {number!r}"}, "skriv platshållaren som {number}"),
])
def test_a_bad_print_setting_is_refused_in_words_and_nothing_is_saved(as_user, cli, changed,
                                                                       message):
    sara = as_user("sara")
    part = appendix("plan")
    before = exported(cli)
    response = post_part(sara, part, "utskrift-form", **changed)
    assert response.status_code == 422
    assert message in response.text.replace("&#34;", '"')
    assert exported(cli) == before


def test_the_memo_prints_its_own_type_sender_header_and_lines(as_user, cli):
    sara = as_user("sara")
    response = post_form(sara, EDIT + "/", "sidhuvud-form", **{
        "u-document_type_choice": "annan", "u-document_type": "Missiv",
        "u-issuer_choice": "annan", "u-issuer": "Ekbacka socialnämnd",
        "u-header_choice": "egna-falt", "u-header-0-label": "Ärende",
        "u-header-0-value": "Delår 2026", "u-running_lines": "Organisation: {board_id} - {board}"})
    assert response.status_code == 302
    out = exported_memo(cli)
    assert (out["document_type"], out["issuer"]) == ("Missiv", "Ekbacka socialnämnd")
    assert out["header"] == [{"label": "Ärende", "value": "Delår 2026"}]
    assert out["running_lines"] == ["Organisation: {board_id} - {board}"]
    html = preview(sara, "memo")
    assert "Missiv" in html and "Ekbacka socialnämnd" in html and "Delår 2026" in html
    assert "Organisation: 4100 - Socialnämnden" in html
    page = sara.get(EDIT + "/").text
    assert "forsta-sidan.png" in page and "Förhandsgranska tjänsteskrivelsen" in page
    response = post_form(sara, EDIT + "/", "sidhuvud-form", **{"u-document_type_choice": "ingen"})
    assert response.status_code == 302 and exported_memo(cli)["document_type"] == ""


def test_contents_depth_is_chosen_and_true_stays_true(as_user, cli, tmp_path):
    import_21(cli, tmp_path)
    sara = as_user("sara")
    part = appendix("plan")
    assert exported_memo(cli)["appendices"][0]["contents"] == 2
    page = sara.get(f"{EDIT}/bilagor/{part.id}").text
    assert '<option selected value="2">Kapitlen och deras avsnitt</option>' in page
    post_part(sara, part, "rapport-form", contents="1")
    assert exported_memo(cli)["appendices"][0]["contents"] is True
    post_part(sara, part, "rapport-form", contents="0")
    assert exported_memo(cli)["appendices"][0]["contents"] is False
    response = post_part(sara, part, "rapport-form", contents="7")
    assert response.status_code == 422 and "Välj hur mycket innehållsförteckningen visar" in \
        response.text


def test_the_plans_words_and_hyphenation_store_only_what_differs(as_user, cli):
    sara = as_user("sara")
    url = EDIT + "/ord-och-utskrift"
    page = sara.get(url).text
    assert "Ord och utskrift för hela planen" in page
    assert 'placeholder="Ej rapporterad"' in page and 'placeholder="Bilaga {number}, {title}"' in page
    response = post_form(sara, url, "ord-form", **{
        "p-words-not_reported-text": "Saknas", "p-words-draft_mark-text": "ARBETSMATERIAL",
        "p-words-appendix_item-text": "Bilaga {number}, {title}",  # the default: not stored
        "p-words-memo_item-off": "y", "p-hyphenate": "y"})
    assert response.status_code == 302
    data = json.loads(exported(cli))
    assert data["wording"] == {"not_reported": "Saknas", "memo_item": None,
                               "draft_mark": "ARBETSMATERIAL"}
    assert data["print"] == {"hyphenate": True}
    html = preview(sara, "memo")
    assert "Tjänsteskrivelse, daterad" not in html and "hyphenate" in html
    assert "ARBETSMATERIAL" in html and "ARBETSMATERIAL" in preview(sara, "bilaga-1")
    page = sara.get(url).text
    assert "Saknas</textarea>" in page
    response = post_form(sara, url, "ord-form", **{
        "p-words-not_reported-text": "", "p-words-draft_mark-text": "",
        "p-words-memo_item-off": [], "p-hyphenate": []})
    data = json.loads(exported(cli))
    assert "wording" not in data and "print" not in data
    response = post_form(sara, url, "ord-form", **{"p-words-signed_by-text": "Av {namn}"})
    assert response.status_code == 422 and "{namn} fylls inte i" in response.text


def test_every_page_that_sets_how_a_document_prints_shows_or_links_its_preview(as_user):
    sara = as_user("sara")
    for part in memo().appendices:
        page = sara.get(f"{EDIT}/bilagor/{part.id}").text
        assert f"/bilagor/{part.id}/forsta-sidan.png" in page
        assert f"/forhandsgranska/bilaga-{part.number}" in page
    assert "/forhandsgranska/memo" in sara.get(EDIT + "/ord-och-utskrift").text
    image = sara.get(EDIT + "/forsta-sidan.png")
    assert image.status_code == 200 and image.data[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_signed_memo_refuses_every_print_setting(as_user, cli):
    m = memo()
    part_id = appendix("plan").id
    m.state = MemoState.signed
    db.session.commit()
    before = exported(cli)
    sara = as_user("sara")
    sara.get(MEMO + "/")
    for url, data in ((EDIT + "/utskrift", {"u-issuer_choice": "ingen"}),
                      (f"{EDIT}/bilagor/{part_id}/utskrift", {f"u{part_id}-orientation": "landscape"}),
                      (EDIT + "/ord-och-utskrift", {"p-hyphenate": "y"})):
        response = sara.post(url, data)
        assert response.status_code == 409 and "fastställd" in response.text
    assert exported(cli) == before
    for who in ("anna", "per"):
        assert as_user(who).get(EDIT + "/ord-och-utskrift").status_code == 403


def test_caption_and_running_line_are_in_the_printed_pdf(as_user, cli, tmp_path):
    sara = as_user("sara")
    part = appendix("plan")
    post_layout(sara, part, "uppdrag", display="row", caption="UPPDRAGEN")
    post_part(sara, part, "utskrift-form", running_lines="Period: {period_end} ({year})")
    out = tmp_path / "bilaga.pdf"
    result = cli.invoke(args=["report", "render", "SOC-2026", "augusti", "--appendix",
                              str(part.number), "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    pages = [" ".join(p.extract_text().split())
             for p in pypdf.PdfReader(io.BytesIO(out.read_bytes())).pages]
    text = " ".join(pages)
    assert "UPPDRAGEN" in text and "Period: 2026-08-31 (2026)" in text
