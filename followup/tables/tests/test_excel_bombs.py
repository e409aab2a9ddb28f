"""Hostile .xlsx files are refused before they are parsed, in Swedish, change
nothing, and keep the worker's memory bounded (#23.3).

The bombs are built here: a sheet whose XML unpacks to hundreds of megabytes, a
row of 3 000 000 cells, an external entity (XXE), "billion laughs", a zip whose
directory lies about a member's size, and a zip of thousands of members."""

import io
import json
import os
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from followup.core.errors import Invalid
from followup.tables import table_excel, xlsx_guard
from followup.tables.tests.test_tables import GRID
from tests.fixtures import ROOT, snapshot

SHEET = "xl/worksheets/sheet1.xml"
WORKBOOK = "xl/workbook.xml"
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEAD = f'<worksheet xmlns="{NS}"><sheetData>'.encode()
TAIL = b"</sheetData></worksheet>"
MB = 1024 * 1024


def plain_workbook():
    wb = openpyxl.Workbook()
    wb.active.append(["", "Utfall jan–aug 2026", "Utfall jan–aug 2025"])
    wb.active.append(["Kostnad för placeringar", 40000, 36210])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def replacing(parts, extra=()):
    """openpyxl's own workbook with some parts replaced: {name: bytes or an iterable of
    bytes chunks, streamed into the zip}; ``extra``: more (name, bytes) members."""
    src = zipfile.ZipFile(io.BytesIO(plain_workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for info in src.infolist():
            if info.filename not in parts:
                z.writestr(info.filename, src.read(info.filename))
                continue
            content = parts[info.filename]
            with z.open(info.filename, "w", force_zip64=True) as f:
                for chunk in ([content] if isinstance(content, bytes) else content):
                    f.write(chunk)
        for name, data in extra:
            z.writestr(name, data)
    return out.getvalue()


def zip_bomb(megabytes=400):
    """One cell holding a text of ``megabytes`` MB: some hundred kB packed."""
    def chunks():
        yield HEAD + b'<row r="1"><c r="A1" t="inlineStr"><is><t>'
        block = b"A" * MB
        for _ in range(megabytes):
            yield block
        yield b"</t></is></c></row>" + TAIL
    return replacing({SHEET: chunks()})


def wide_row(cells=3_000_000, cell=b"<c/>"):
    """A row of ``cells`` cells (12 MB of XML with empty cells: under the size limits)."""
    def chunks():
        yield HEAD + b'<row r="1">'
        for _ in range(cells // 100_000):
            yield cell * 100_000
        yield b"</row>" + TAIL
    return replacing({SHEET: chunks()})


def with_entities(part, entities, reference):
    """A plain workbook whose ``part`` declares ``entities`` and refers to one of them
    (``reference``, "&xxe;") in its text."""
    if part == SHEET:
        xml = (f"<!DOCTYPE worksheet [{entities}]>"
               f'<worksheet xmlns="{NS}"><sheetData><row r="1"><c r="A1" t="inlineStr">'
               f"<is><t>{reference}</t></is></c></row></sheetData></worksheet>")
    else:
        xml = (f"<!DOCTYPE workbook [{entities}]>" + plain_part(part).replace(
            "<workbookPr/>", f"<workbookPr>{reference}</workbookPr>"))
    return replacing({part: xml.encode()})


def xxe(part=SHEET):
    secret = Path("/etc/passwd").as_uri()
    return with_entities(part, f'<!ENTITY xxe SYSTEM "{secret}">', "&xxe;")


def billion_laughs(part=SHEET):
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10))
    return with_entities(part, entities, "&lol9;")


def plain_part(name):
    return zipfile.ZipFile(io.BytesIO(plain_workbook())).read(name).decode()


def lying_sizes(megabytes=200):
    """A zip bomb whose directory says the sheet unpacks to 2 kB."""
    data = bytearray(zip_bomb(megabytes))
    z = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = z.getinfo(SHEET)
    # The local header's sizes (zip64: in its extra field) and the central directory's.
    for start in _all(bytes(data), b"PK\x01\x02"):
        name_len = int.from_bytes(data[start + 28:start + 30], "little")
        if data[start + 46:start + 46 + name_len] == SHEET.encode():
            _patch_sizes(data, start, central=True)
    local = info.header_offset
    _patch_sizes(data, local, central=False)
    return bytes(data)


def _all(data, needle):
    at = data.find(needle)
    while at != -1:
        yield at
        at = data.find(needle, at + 1)


def _patch_sizes(data, start, central):
    """Set a header's uncompressed size to 2048, in the header and in its zip64 extra."""
    size_at = start + (24 if central else 22)
    name_len = int.from_bytes(data[start + (28 if central else 26):][:2], "little")
    extra_len = int.from_bytes(data[start + (30 if central else 28):][:2], "little")
    fixed = 46 if central else 30
    if data[size_at:size_at + 4] != b"\xff\xff\xff\xff":
        data[size_at:size_at + 4] = (2048).to_bytes(4, "little")
    extra = start + fixed + name_len
    end = extra + extra_len
    while extra + 4 <= end:
        tag = int.from_bytes(data[extra:extra + 2], "little")
        length = int.from_bytes(data[extra + 2:extra + 4], "little")
        if tag == 1 and length >= 8:  # zip64: the uncompressed size comes first
            data[extra + 4:extra + 12] = (2048).to_bytes(8, "little")
        extra += 4 + length


def many_members(n=5000):
    return replacing({}, extra=[(f"xl/media/{i}.bin", b"") for i in range(n)])


BOMBS = {
    "zip bomb": (zip_bomb, "för mycket data"),
    "lying sizes": (lying_sizes, "kunde inte läsas"),
    "3 000 000-cell row": (wide_row, "gånger större uppackad"),
    "XXE in the sheet": (xxe, "definitioner som Excel aldrig skriver"),
    "XXE in the workbook": (lambda: xxe(WORKBOOK), "definitioner som Excel aldrig skriver"),
    "billion laughs in the sheet": (billion_laughs, "definitioner som Excel aldrig skriver"),
    "billion laughs in the workbook": (lambda: billion_laughs(WORKBOOK),
                                       "definitioner som Excel aldrig skriver"),
    "many parts": (many_members, "för många delar"),
}

MEASURE = r"""
import json, os, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))  # a runaway read fails here
import openpyxl  # imported before measuring: the app imports it once
from followup.tables import table_excel, xlsx_guard
from followup.core.errors import Invalid
table_excel.read_xlsx(open(sys.argv[1], "rb").read())  # warm up on a plain file
if os.environ.get("LIFT_RATIO"):
    xlsx_guard.MAX_RATIO = 10 ** 9
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    table_excel.read_xlsx(open(sys.argv[2], "rb").read())
    outcome = "read"
except Invalid as e:
    outcome = e.message
except BaseException as e:
    outcome = "crash: " + type(e).__name__ + ": " + str(e)[:200]
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"outcome": outcome, "base_mb": base / 1024, "grew_mb": (peak - base) / 1024}))
"""


def measure(data, tmp_path, lift_ratio=False):
    """Reads ``data`` as an upload in a fresh process: what it said, and how much the
    process's peak memory (ru_maxrss) grew beyond its peak after reading a plain file."""
    bomb, plain = tmp_path / "bomb.xlsx", tmp_path / "plain.xlsx"
    bomb.write_bytes(data)
    plain.write_bytes(plain_workbook())
    env = {**os.environ, "LIFT_RATIO": "1" if lift_ratio else ""}
    done = subprocess.run([sys.executable, "-c", MEASURE, str(plain), str(bomb)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", BOMBS)
def test_a_bomb_is_refused_in_swedish_with_bounded_memory(name, tmp_path):
    build, words = BOMBS[name]
    data = build()
    assert len(data) <= table_excel.MAX_BYTES
    result = measure(data, tmp_path)
    print(name, f"{len(data) / 1024:.0f} kB", result)
    assert words in result["outcome"], result
    assert "root:" not in result["outcome"]
    assert result["grew_mb"] < 20, result


def test_the_3_000_000_cell_row_is_counted_even_when_packed_loosely(tmp_path):
    """The ratio check took it above; without it, the count of cells refuses it."""
    result = measure(wide_row(), tmp_path, lift_ratio=True)
    print(result)
    assert "fler än 16\u00a0384 celler" in result["outcome"], result
    assert result["grew_mb"] < 20, result


@pytest.mark.parametrize("name", BOMBS)
def test_a_bomb_upload_shows_the_refusal_and_changes_nothing(name, as_user):
    build, words = BOMBS[name]
    sara = as_user("sara")
    sara.get(GRID)
    before = snapshot()
    response = sara.post(GRID + "/inlasning", {"file": (io.BytesIO(build()), "bomb.xlsx")},
                         content_type="multipart/form-data")
    assert response.status_code == 422, response.text[-2000:]
    assert words in response.text
    assert "root:" not in response.text and "Förhandsvisning" not in response.text
    assert snapshot() == before


def test_openpyxl_reads_with_defusedxml():
    import openpyxl.xml
    from openpyxl.xml import functions

    assert openpyxl.xml.DEFUSEDXML is True
    assert functions.iterparse.__module__.startswith("defusedxml")


def test_a_plain_workbook_is_still_read():
    assert table_excel.read_xlsx(plain_workbook())[1][:3] == ["Kostnad för placeringar", 40000,
                                                          36210]


def test_only_the_first_rows_and_columns_are_read():
    wb = openpyxl.Workbook()
    for i in range(table_excel.MAX_ROWS + 50):
        wb.active.append(list(range(table_excel.MAX_COLUMNS + 10)))
    out = io.BytesIO()
    wb.save(out)
    block = table_excel.read_xlsx(out.getvalue())
    assert len(block) == table_excel.MAX_ROWS
    assert {len(row) for row in block} == {table_excel.MAX_COLUMNS}


def test_invalid_is_what_a_bomb_raises():
    with pytest.raises(Invalid):
        table_excel.read_xlsx(billion_laughs())


def random_cells(n, per_row):
    """``n`` cells of random figures, ``per_row`` a row: XML that packs like real data."""
    rng = random.Random(23)
    rows, cells = [], []
    for k in range(n):
        cells.append(f"<c><v>{rng.randrange(10 ** 9)}</v></c>")
        if len(cells) == per_row:
            rows.append(f"<row>{''.join(cells)}</row>")
            cells = []
    if cells:
        rows.append(f"<row>{''.join(cells)}</row>")
    return replacing({SHEET: HEAD + "".join(rows).encode() + TAIL})


def test_a_row_wider_than_excel_allows_is_refused():
    data = random_cells(xlsx_guard.MAX_CELLS_PER_ROW + 1, per_row=10 ** 9)
    with pytest.raises(Invalid, match="En rad i kalkylbladet har fler än 16\u00a0384 celler"):
        table_excel.read_xlsx(data)


def test_too_many_cells_in_the_rows_read_are_refused():
    data = random_cells(xlsx_guard.MAX_CELLS + 1, per_row=250)
    with pytest.raises(Invalid, match="Kalkylbladet har fler än 100\u00a0000 celler i sina "
                                      "första 500 rader"):
        table_excel.read_xlsx(data)


def test_cells_below_the_rows_read_are_not_counted():
    """A long sheet is read as before: its first 500 rows, the rest never parsed."""
    data = random_cells(1000 * 150, per_row=150)  # 1 000 rows of 150 cells
    block = table_excel.read_xlsx(data)
    assert len(block) == table_excel.MAX_ROWS


def test_rows_that_never_pass_the_rows_read_are_all_counted():
    """openpyxl reads on while rows repeat their number: so does the count."""
    rng = random.Random(7)
    rows = "".join(f'<row r="1"><c><v>{rng.randrange(10 ** 6)}</v></c>'
                   f'<c><v>{rng.randrange(10 ** 6)}</v></c></row>'
                   for _ in range(xlsx_guard.MAX_CELLS // 2 + 1))
    data = replacing({SHEET: HEAD + rows.encode() + TAIL})
    with pytest.raises(Invalid, match="Kalkylbladet har fler än 100\u00a0000 celler"):
        table_excel.read_xlsx(data)


def test_a_row_beyond_the_rows_read_is_still_counted_whole():
    """openpyxl parses the first row past the rows read before it stops."""
    cells = "<c/>" * (xlsx_guard.MAX_CELLS_PER_ROW + 1)
    data = replacing({SHEET: HEAD + f'<row r="501">{cells}</row>'.encode() + TAIL})
    with pytest.raises(Invalid, match="fler än 16\u00a0384 celler"):
        table_excel.read_xlsx(data)


def test_too_many_shared_texts_are_refused():
    strings = "".join(f"<si><t>{i}</t></si>" for i in range(xlsx_guard.MAX_SHARED_STRINGS + 1))
    sst = f'<sst xmlns="{NS}">{strings}</sst>'.encode()
    data = replacing({}, extra=[("xl/sharedStrings.xml", sst)])
    with pytest.raises(Invalid, match="fler än 100\u00a0000 olika texter"):
        table_excel.read_xlsx(data)


def test_a_text_longer_than_a_cell_may_hold_is_refused():
    text = "x" * (xlsx_guard.MAX_TEXT + 1)
    sheet = f'<row r="1"><c t="inlineStr"><is><t>{text}</t></is></c></row>'
    with pytest.raises(Invalid, match="mer text än Excel tillåter"):
        table_excel.read_xlsx(replacing({SHEET: HEAD + sheet.encode() + TAIL}))


def test_too_many_elements_in_a_part_are_refused():
    cols = "".join(f'<col min="{i}" max="{i}" width="9"/>' for i in range(1, 310_000))
    sheet = f'<worksheet xmlns="{NS}"><cols>{cols}</cols><sheetData/></worksheet>'
    with pytest.raises(Invalid, match="för många celler eller andra uppgifter"):
        table_excel.read_xlsx(replacing({SHEET: sheet.encode()}))


def with_shared_strings(strings, sheet_rows):
    """openpyxl's workbook with a shared-strings part (as Excel writes them) and a sheet."""
    types = plain_part("[Content_Types].xml").replace("</Types>", (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
    sst = f'<sst xmlns="{NS}">' + "".join(f"<si><t>{t}</t></si>" for t in strings) + "</sst>"
    return replacing({"[Content_Types].xml": types.encode(),
                      SHEET: HEAD + sheet_rows.encode() + TAIL},
                     extra=[("xl/sharedStrings.xml", sst.encode())])


def test_a_long_text_shared_by_many_cells_is_cut_once_per_cell():
    """One shared text of 30 000 characters in 30 000 cells is one object in openpyxl;
    what is read keeps 1 000 characters of each, not 30 000 copies of it all."""
    row = "<row>" + '<c t="s"><v>0</v></c>' * table_excel.MAX_COLUMNS + "</row>"
    data = with_shared_strings([" " + "y" * 30_000], row * table_excel.MAX_ROWS)
    block = table_excel.read_xlsx(data)
    assert len(block) == table_excel.MAX_ROWS
    assert {len(v) for row in block for v in row} == {table_excel.MAX_CELL_TEXT + 1}
    assert block[0][0].endswith("y…")


def test_a_part_that_is_no_xml_but_named_so_is_refused():
    data = replacing({WORKBOOK: b"\x00\x01 no xml"})
    with pytest.raises(Invalid, match="kunde inte läsas"):
        table_excel.read_xlsx(data)


def test_other_packing_methods_are_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain_workbook())) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_BZIP2) as z:
        for info in src.infolist():
            z.writestr(info.filename, src.read(info.filename))
    with pytest.raises(Invalid, match="packad eller krypterad på ett sätt som Excel inte"):
        table_excel.read_xlsx(out.getvalue())
