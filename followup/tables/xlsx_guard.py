"""An uploaded .xlsx is checked before openpyxl parses any of it (#23.3).

An .xlsx is a zip of XML parts. A small file can unpack to gigabytes (a zip
bomb), declare a row of millions of cells, or carry a DTD whose entities read
the server's files (XXE) or multiply into gigabytes ("billion laughs"). So,
before openpyxl sees the file:

1. the zip's directory: how many parts, how large each unpacks and all together,
   how tightly each is packed, and only the packing methods Excel writes (Python's
   zipfile never unpacks more than the directory says, so a lying directory only
   truncates a part, which then fails its checksum);
2. every XML part is read as a stream by expat, chunk by chunk, without keeping it:
   no DTD at all (Excel never writes one, and only a DTD declares entities), at most
   so many elements, no text longer than a cell may hold; in a worksheet, as far as
   openpyxl would read it (to row ``MAX_ROWS``), at most Excel's 16 384 cells a row
   and ``MAX_CELLS`` cells; in the shared strings, at most ``MAX_SHARED_STRINGS``.

openpyxl then reads in read-only mode, with defusedxml in force (requirements.txt;
openpyxl uses it whenever it is installed), and only the rows and columns asked for.
Every refusal is ``Invalid`` with a message in plain Swedish.
"""

import io
import zipfile
import zlib
from xml.parsers import expat

from followup.core.errors import Invalid
from followup.core.formatting import number

MAX_PARTS = 1000
MAX_PART_BYTES = 20 * 1024 * 1024  # one part, unpacked
MAX_TOTAL_BYTES = 50 * 1024 * 1024  # all parts, unpacked
MAX_RATIO = 100  # unpacked / packed, for parts larger than RATIO_FROM
RATIO_FROM = 1024 * 1024
MAX_ELEMENTS = 300_000  # per XML part, as far as it is read
MAX_CELLS = 100_000  # in the rows of a sheet that are read
MAX_CELLS_PER_ROW = 16_384  # Excel's own limit (column XFD)
MAX_SHARED_STRINGS = 100_000
MAX_TEXT = 32_767  # Excel's own limit for the text of a cell
CHUNK = 64 * 1024

UNREADABLE = "Filen kunde inte läsas som en Excelfil (.xlsx)."
ADVICE = " Kopiera tabellen till en ny, tom arbetsbok i Excel och läs in den i stället."


def _mb(n):
    return f"{number(n / (1024 * 1024))} MB"


class _Enough(Exception):
    """Raised inside the expat handlers: as far as openpyxl reads, the part is checked."""


def check(data, max_rows):
    """Invalid (in Swedish) unless ``data`` is a zip whose parts may safely be given to
    openpyxl, to read up to ``max_rows`` rows of a sheet."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise Invalid(UNREADABLE) from None
    _check_directory(parts)
    for info in parts:
        _check_part(archive, info, max_rows)


def _check_directory(parts):
    if len(parts) > MAX_PARTS:
        raise Invalid(f"Filen består av för många delar ({number(len(parts))}; högst "
                      f"{number(MAX_PARTS)}) "
                      "för att vara en vanlig Excelfil och lästes inte in." + ADVICE)
    total = sum(info.file_size for info in parts)
    if total > MAX_TOTAL_BYTES:
        raise Invalid(f"Filen innehåller för mycket data: uppackad blir den {_mb(total)}, "
                      f"och högst {_mb(MAX_TOTAL_BYTES)} läses in." + ADVICE)
    largest = max((info.file_size for info in parts), default=0)
    if largest > MAX_PART_BYTES:
        raise Invalid(f"Filen innehåller för mycket data: en del av den blir {_mb(largest)} "
                      f"uppackad, och högst {_mb(MAX_PART_BYTES)} per del läses in." + ADVICE)
    for info in parts:
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or (
                info.flag_bits & 0x1):  # another packing method, or encrypted
            raise Invalid(UNREADABLE + " Den är packad eller krypterad på ett sätt som "
                          "Excel inte använder.")
        if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(
                info.compress_size, 1):
            raise Invalid(
                "Filen är packad på ett sätt som inte liknar en vanlig Excelfil: en del av "
                f"den blir {number(info.file_size // max(info.compress_size, 1))} gånger större "
                "uppackad. Den lästes inte in." + ADVICE)


def _is_xml_name(name):
    return name.lower().endswith((".xml", ".rels"))


def _check_part(archive, info, max_rows):
    """Stream one part through expat. A part named .xml or .rels must be well-formed
    as far as it is read; another part that is no XML is left alone (openpyxl reads
    no such part in read-only mode, and would fail on it the same way)."""
    scan = _Scan(max_rows)
    try:
        with archive.open(info) as stream:
            while True:
                chunk = stream.read(CHUNK)
                scan.parser.Parse(chunk, not chunk)
                if not chunk:
                    break
    except _Enough:
        return
    except expat.ExpatError:
        if _is_xml_name(info.filename) or scan.elements:
            raise Invalid(UNREADABLE) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError,
            RuntimeError, NotImplementedError):
        raise Invalid(UNREADABLE) from None


class _Scan:
    """Counts what openpyxl would build from one XML part, keeping nothing."""

    def __init__(self, max_rows):
        self.max_rows = max_rows
        self.kind = None  # the root element's local name: worksheet, sst, …
        self.elements = self.cells = self.row_cells = self.row = self.strings = 0
        self.text = 0
        p = self.parser = expat.ParserCreate()
        p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        p.StartDoctypeDeclHandler = self._doctype
        p.EntityDeclHandler = self._doctype
        p.UnparsedEntityDeclHandler = self._doctype
        p.ExternalEntityRefHandler = self._doctype
        p.StartElementHandler = self._start
        p.EndElementHandler = self._end
        p.CharacterDataHandler = self._characters

    @staticmethod
    def _doctype(*_):
        raise Invalid("Filen innehåller definitioner som Excel aldrig skriver och som kan "
                      "användas för att angripa servern. Den lästes inte in." + ADVICE)

    def _start(self, name, attrs):
        local = name.rpartition(":")[2]
        self.text = 0
        self.elements += 1
        if self.kind is None:
            self.kind = local
        if self.elements > MAX_ELEMENTS:
            raise Invalid(f"Filen har för många celler eller andra uppgifter (fler än "
                          f"{number(MAX_ELEMENTS)} i en del) för att läsas in." + ADVICE)
        if self.kind == "worksheet":
            self._sheet(local, attrs)
        elif self.kind == "sst" and local == "si":
            self.strings += 1
            if self.strings > MAX_SHARED_STRINGS:
                raise Invalid(f"Filen har fler än {number(MAX_SHARED_STRINGS)} olika "
                              "texter och är för stor för att läsas in." + ADVICE)

    def _sheet(self, local, attrs):
        """As openpyxl's reader counts rows: a row's ``r``, else one after the last.
        openpyxl stops after the first row beyond the rows asked for, which it has
        read whole by then: so does this."""
        if local == "row":
            try:
                self.row = int(attrs["r"]) if "r" in attrs else self.row + 1
            except ValueError:
                raise Invalid(UNREADABLE) from None
            self.row_cells = 0
        elif local == "c":
            self.cells += 1
            self.row_cells += 1
            if self.row_cells > MAX_CELLS_PER_ROW:
                raise Invalid(f"En rad i kalkylbladet har fler än {number(MAX_CELLS_PER_ROW)} "
                              "celler, fler än Excel självt tillåter. Filen lästes inte in.")
            if self.cells > MAX_CELLS:
                raise Invalid(f"Kalkylbladet har fler än {number(MAX_CELLS)} celler i sina "
                              f"första {self.max_rows} rader och är för stort för att läsas "
                              "in." + ADVICE)

    def _end(self, name):
        self.text = 0
        if self.kind == "worksheet" and self.row > self.max_rows and (
                name.rpartition(":")[2] == "row"):
            raise _Enough

    def _characters(self, data):
        self.text += len(data)
        if self.text > MAX_TEXT:
            raise Invalid(f"En cell i filen har mer text än Excel tillåter (fler än "
                          f"{number(MAX_TEXT)} tecken). Filen lästes inte in.")
