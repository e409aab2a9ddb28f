"""Plan file 2.1 (FORMAT.md "Additions in 2.1"): every key is read, written back as it
was read, and printed; a file without them prints by the new defaults."""

import io
import json
import re

import pypdf
import pytest

from followup.core.formatting import number
from followup.demo import PLAN_FILE as DEMO_PLAN
from tests.roundtrip import round_trip_differences


def demo():
    return json.loads(DEMO_PLAN.read_text(encoding="utf-8"))


def with_21_keys():
    """The demo plan with every 2.1 key set to something other than its default."""
    data = demo()
    data["wording"] = {
        "not_reported": "Saknar rapport", "carried_over": "Kvarstår från {year}:",
        "mandatory_control": "Måste kontrolleras:", "comment_header": "Analys",
        "proposals_heading": "Beslutsförslag", "contents_heading": "Innehållsförteckning",
        "appendix_item": "Bilaga {number}: {title}", "appendix_title": "Bilaga {number}\n{title}",
        "memo_item": None, "draft_mark": "ARBETSMATERIAL",
        "signed_by": "Beslutad av {name} ({title}) {date}",
    }
    data.pop("print", None)
    data["print"] = {"hyphenate": False}
    memo = data["documents"][0]
    memo["document_type"] = "Missiv"
    memo["issuer"] = "Ekbacka socialnämnd"
    memo["header"] = [{"label": "Ärende", "value": "Delår 2026"},
                      {"label": "Version", "value": ""}]
    memo["running_lines"] = ["Fas: {phase} Rapportperiod: {period_end}",
                             "Organisation: {board_id} - {board} ({board_code}) {year}"]
    plan, control, tables = memo["appendices"]
    plan["issuer"] = ""
    plan["document_type"] = ""
    plan["header"] = []
    plan["orientation"] = "landscape"
    plan["contents"] = 2
    plan["wording"] = {"appendix_title": "Plan – {title}"}
    plan["layout"] = {
        "inriktningsmal": {"display": "section", "caption": "KOMMUNENS MÅL"},
        "namndmal": {"display": "section", "prefix": "NM: ", "caption": "NÄMNDMÅL"},
        "uppdrag": {"display": "row", "prefix": "KF-BESLUT: ", "prefix_position": "before_text",
                    "columns": [{"field": "number_title", "header": "Uppdrag", "width": 37.5},
                                {"field": "level", "header": "Status"},
                                {"field": "comment", "header": ""}]},
    }
    control["level_chart"] = True
    control["columns"] = [
        {"field": "area", "header": "Område", "merge_repeats": True, "width": 15},
        {"field": "control", "header": "Kontroll"},
        {"field": "results", "header": "", "with_comment": True},
    ]
    table = data["tables"][0]
    table["unit_label"] = "Belopp i tusental kronor"
    table["show_title"] = False
    table["columns"][0]["width"] = 22.5  # a share need not be whole
    table["columns"][1]["merge_repeats"] = True
    node = data["nodes"][0]["children"][0]["children"][0]
    items = list(node.items())
    at = [k for k, _ in items].index("followups")
    node.clear()
    node.update(items[:at] + [("prefix", "KS-BESLUT: ")] + items[at:])
    return in_order(data)


# Where FORMAT.md's order puts the 2.1 keys among the others of their object.
TABLE_ORDER = ["key", "title", "unit", "unit_label", "show_title", "columns", "rows", "comment",
               "chart"]
MEMO_ORDER = ["phase", "title", "document_type", "date", "diarienummer", "handlaggare", "issuer",
              "header", "running_lines", "recipient", "meeting_date", "proposals_intro",
              "proposals", "numbered_proposals", "sections", "signatures", "appendices_heading",
              "appendices"]
APPENDIX_ORDER = ["number", "title", "document_type", "heading", "date", "diarienummer",
                  "handlaggare", "issuer", "header", "running_lines", "wording", "kind",
                  "orientation", "level_chart", "intro", "node_types", "layout", "columns",
                  "phases", "tables", "sections", "contents", "cover", "chapters"]


def ordered(obj, order):
    items = sorted(obj.items(), key=lambda kv: order.index(kv[0]))
    obj.clear()
    obj.update(items)


def in_order(data):
    for table in data["tables"]:
        ordered(table, TABLE_ORDER)
    for memo in data["documents"]:
        ordered(memo, MEMO_ORDER)
        for appendix in memo["appendices"]:
            ordered(appendix, APPENDIX_ORDER)
    return data


def write(tmp_path, data, name="plan.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def import_and_render(cli, tmp_path, data, *args):
    result = cli.invoke(args=["plan", "import", str(write(tmp_path, data))])
    assert result.exit_code == 0, result.stderr
    out = tmp_path / "case.pdf"
    result = cli.invoke(args=["report", "render", "SOC-2026", "augusti", "--out", str(out), *args])
    assert result.exit_code == 0, result.stderr
    return [" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(out.read_bytes())).pages]


def test_every_21_key_comes_back_as_it_was_read(cli, ctx, tmp_path):
    data = with_21_keys()
    assert cli.invoke(args=["plan", "import", str(write(tmp_path, data))]).exit_code == 0
    first = cli.invoke(args=["plan", "export", "SOC-2026"]).stdout
    assert round_trip_differences(data, json.loads(first)) == []
    # An export of an import is the same bytes.
    again = tmp_path / "again.json"
    again.write_text(first, encoding="utf-8")
    assert cli.invoke(args=["plan", "import", str(again), "--replace"]).exit_code == 0
    assert cli.invoke(args=["plan", "export", "SOC-2026"]).stdout == first


@pytest.mark.parametrize("where, value, path", [
    (("documents", 0, "appendices", 0, "orientation"), "sideways",
     "documents[0].appendices[0].orientation: "),
    (("documents", 0, "appendices", 0, "contents"), 4, "documents[0].appendices[0].contents: "),
    (("wording", "draft_marks"), "X", "wording.draft_marks: okänt fält"),
    (("print", "hyphenate"), "yes", "print.hyphenate: ska vara true eller false"),
    (("tables", 0, "columns", 0, "width"), 0, "tables[0].columns[0].width: 0 är för litet"),
    (("documents", 0, "header"), [{"label": "Datum"}], "documents[0].header[0].value: "),
])
def test_a_bad_21_value_is_refused_with_its_path(cli, ctx, tmp_path, where, value, path):
    data = demo()
    target = data
    for part in where[:-1]:
        target = target.setdefault(part, {}) if isinstance(part, str) else target[part]
    target[where[-1]] = value
    result = cli.invoke(args=["plan", "import", str(write(tmp_path, data))])
    assert result.exit_code != 0
    assert path in result.stderr
    assert cli.invoke(args=["plan", "list"]).stdout.strip() == "Inga planer."


def test_every_21_key_prints(cli, ctx, tmp_path):
    pages = import_and_render(cli, tmp_path, with_21_keys())
    memo_pages = pages[:int(re.search(r"Sida 1 \((\d+)\)", pages[0]).group(1))]
    memo = " ".join(memo_pages)
    # The memo: its own type, sender and header fields, no fields of its own beside them.
    assert "Ekbacka socialnämnd" in memo and "Missiv" in memo
    assert "Ärende: Delår 2026" in memo and "Version:" in memo
    assert "Diarienummer" not in memo
    assert "Beslutsförslag" in memo and "Förslag till beslut" not in memo
    # The list of appendices as the file words it, without the memo's own line.
    assert "Bilaga 1: " in memo and "Tjänsteskrivelse, daterad" not in memo
    # Running lines with their placeholders, on every page of the memo.
    for page in memo_pages:
        assert "Fas: Delårsbokslut per augusti Rapportperiod: 2026-08-31" in page
        assert "Organisation: 4100 - Socialnämnden (SOC) 2026" in page
    # Every page of every document carries the file's draft mark, none the default.
    assert all("ARBETSMATERIAL" in p and "UTKAST" not in p for p in pages)

    plan = [p for p in pages if "KOMMUNENS MÅL" in p or "Plan – " in p]
    text = " ".join(plan)
    assert "Plan – " in text and "Bilaga 1" not in text.split("Plan – ")[0][-40:]
    assert "Socialförvaltningen" not in plan[0]  # issuer ""
    assert text.count("KOMMUNENS MÅL") >= 1 and "NÄMNDMÅL" in text
    # A node's own prefix wins over its type's; "before_text" goes before the number.
    assert "KS-BESLUT: 1.1.1 Utveckla" in text
    assert "KF-BESLUT: 1.1.2 Rekrytera" in text
    assert "1.1 NM: Fler barn" in text  # before_title: after the number
    assert "Kvarstår från 2025:" in text
    assert "Innehållsförteckning" not in text  # contents print only with chapters

    control = " ".join(p for p in pages if "Måste kontrolleras:" in p or "Område" in p)
    assert "Måste kontrolleras:" in control or "Område" in control
    tables = " ".join(p for p in pages if "Belopp i tusental kronor" in p)
    assert "Belopp i tusental kronor" in tables


def test_a_file_without_21_keys_prints_by_the_new_defaults(cli, ctx, tmp_path):
    data = demo()
    data.pop("print", None)
    for appendix in data["documents"][0]["appendices"]:
        appendix.pop("level_chart", None)
        appendix["date"] = appendix["diarienummer"] = None
        appendix["handlaggare"] = []
    pages = import_and_render(cli, tmp_path, data)
    memo_number = data["documents"][0]["diarienummer"]
    # Appendices no longer copy the memo's header fields.
    assert sum(memo_number in p for p in pages) == 1
    # Words are not hyphenated.
    assert not any("\N{HYPHEN}" in p for p in pages)
    # No chart of levels unless asked for: its caption names the phase's levels.
    assert not any("Figur" in p or "Antal per" in p for p in pages)
    assert all("UTKAST" in p for p in pages)


def test_rounding_is_half_away_from_zero():
    assert number(187.25, 1) == "187,3"
    assert number(50999.25, 1) == "50\N{NO-BREAK SPACE}999,3"
    assert number(2012.75, 1) == "2\N{NO-BREAK SPACE}012,8"
    assert number(-0.45, 1) == "-0,5"
    assert number(0.5) == "1" and number(-0.5) == "-1" and number(-0.4) == "0"


def test_names_are_never_hyphenated_even_where_the_plan_asks_for_hyphenation(cli, ctx, tmp_path):
    import pdfplumber

    data = demo()
    data["print"] = {"hyphenate": True}
    names = ("Socialförvaltningens Gottsunda-Valsätraområdet Västerbottensgatan "
             "Ekbackaförvaltningen ")
    words = "arbetsmarknadsförvaltningens utvecklingsarbete samverkansöverenskommelsen "
    node = data["nodes"][0]["children"][0]["children"][0]
    node["followups"]["augusti"]["comment"] = "<p>" + (names + words) * 12 + "</p>"
    pages = import_and_render(cli, tmp_path, data, "--appendix", "1")
    assert pages
    with pdfplumber.open(tmp_path / "case.pdf") as pdf:
        ends = [w["text"] for page in pdf.pages
                for w in page.extract_words(use_text_flow=True) if w["text"].endswith("\N{HYPHEN}")]
    assert ends, "nothing hyphenated: the plan asks for it"
    assert not [w for w in ends if w[0].isupper()], ends
