"""What WeasyPrint's tagged PDF still needs before it is written, done on its objects.

Passed to ``write_pdf`` as its ``finisher``, in the process that lays the document out:

- Running headers and footers become artifacts. WeasyPrint marks the text of page
  margins as content but leaves it out of the structure tree (its issue #1836), so it
  is neither read as part of the text nor an artifact, which PDF/UA forbids. Here
  those marked sequences become ``/Artifact`` (pagination) and leave the parent tree.
- Table cells name their header cells by the HTML table model, rows and columns
  that headers span included (WeasyPrint's own mapping loses the columns after a
  header that spans two rows), and header cells say whether they head a column or
  a row.
- Every document has XMP metadata (its title, author, description), which WeasyPrint
  writes for PDF/A only, and which PDF/UA asks of every tagged file.
- Lists hold list items only: the rows (``div``) of a definition list are unwrapped.
- Table header ids and font subset names get the document's own prefix, so that
  documents joined into one case keep them unique.
"""

import hashlib

import pydyf

_NULL = b"null"


def finisher(prefix):
    """A finisher for the document whose ids get ``prefix`` (letters and digits)."""
    def finish(document, pdf):
        tree = _resolve(pdf, pdf.catalog.get("StructTreeRoot"))
        if tree is not None:
            _margins_as_artifacts(pdf, tree)
            elements = [o for o in pdf.objects
                        if isinstance(o, dict) and o.get("Type") == "/StructElem"]
            for element in elements:
                if element["S"] == "/Table":
                    _link_headers(pdf, element)
                elif element["S"] == "/L":
                    _unwrap_rows(pdf, element)
            _prefix_ids(elements, prefix)
        _rename_font_subsets(pdf, prefix)
        _metadata(document, pdf, archival="Metadata" in pdf.catalog)
    return finish


# The documents keep PDF/UA-1's rules (tagged structure, text alternatives, artifacts,
# headings in order, a title shown: tests/pdfstructure.py checks them) and say so. In the
# archival variant, PDF/A asks for the schema of a property it does not know itself.
_PDF_UA_ID = (b'<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"'
              b' pdfuaid:part="1" />')
_PDF_UA_SCHEMA = (
    b'<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"'
    b' xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"'
    b' xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">'
    b'<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">'
    b'<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>'
    b'<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>'
    b'<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>'
    b'<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">'
    b'<pdfaProperty:name>part</pdfaProperty:name>'
    b'<pdfaProperty:valueType>Integer</pdfaProperty:valueType>'
    b'<pdfaProperty:category>internal</pdfaProperty:category>'
    b'<pdfaProperty:description>Part of ISO 14289 followed</pdfaProperty:description>'
    b'</rdf:li></rdf:Seq></pdfaSchema:property></rdf:li></rdf:Bag></pdfaExtension:schemas>'
    b'</rdf:Description>')


def _metadata(document, pdf, archival):
    """The document's XMP (title, author, description; PDF/A-2a's identification in the
    archival variant), with PDF/UA-1's, in place of what WeasyPrint wrote."""
    rdf = document.metadata.generate_rdf_metadata(
        "a", 2 if archival else None, "A" if archival else None)
    extra = _PDF_UA_ID + (_PDF_UA_SCHEMA if archival else b"")
    rdf = rdf.replace(b"</rdf:RDF>", extra + b"</rdf:RDF>", 1)
    content = b"\n".join((b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>',
                          b'<x:xmpmeta xmlns:x="adobe:ns:meta/">' + rdf + b"</x:xmpmeta>",
                          b'<?xpacket end="r"?>'))
    stream = pydyf.Stream([content], {"Type": "/Metadata", "Subtype": "/XML"}, True)
    pdf.add_object(stream)
    pdf.catalog["Metadata"] = stream.reference


def _resolve(pdf, reference):
    if reference is None:
        return None
    if isinstance(reference, (bytes, str)):
        text = reference.decode() if isinstance(reference, bytes) else reference
        if text.endswith(" R"):
            return pdf.objects[int(text.split()[0])]
    return reference


def _reachable(pdf, tree):
    """Numbers of the structure elements in the tree under its root."""
    seen, stack = set(), list(_kids(tree))
    while stack:
        kid = stack.pop()
        if not isinstance(kid, (bytes, str)):
            continue  # a marked-content id
        element = _resolve(pdf, kid)
        if element.number in seen:
            continue
        seen.add(element.number)
        stack.extend(_kids(element))
    return seen


def _kids(element):
    kids = element.get("K", [])
    return kids if isinstance(kids, list) else [kids]


def _margins_as_artifacts(pdf, tree):
    reachable = _reachable(pdf, tree)
    parent_tree = _resolve(pdf, tree["ParentTree"])
    nums = parent_tree["Nums"]
    pages = [pdf.objects[number] for number in pdf.pages["Kids"][::3]]
    for key, value in zip(nums[::2], nums[1::2]):
        if not isinstance(value, list) or key >= len(pages):
            continue  # an annotation's entry
        orphans = set()
        for mcid, reference in enumerate(value):
            if reference != _NULL and _resolve(pdf, reference).number not in reachable:
                orphans.add(mcid)
                value[mcid] = _NULL
        if orphans:
            _rewrite_marked(_resolve(pdf, pages[key]["Contents"]), orphans)


def _rewrite_marked(stream, mcids):
    operations = stream.stream
    for i, operation in enumerate(operations):
        if isinstance(operation, dict) and operation.get("MCID") in mcids:
            operations[i - 1] = "/Artifact"
            operations[i] = pydyf.Dictionary({"Type": "/Pagination"})


def _children(pdf, element, tags=None):
    return [_resolve(pdf, k) for k in _kids(element) if isinstance(k, (bytes, str))
            and (tags is None or _resolve(pdf, k)["S"] in tags)]


def _link_headers(pdf, table):
    cells, headers = [], []
    for group, cell, rows, columns in _placed_cells(pdf, table):
        attributes = cell["A"]
        if cell["S"] == "/TH":
            attributes["Scope"] = "/Column" if group["S"] == "/THead" else "/Row"
            headers.append((cell, rows, columns, attributes["Scope"]))
        else:
            cells.append((cell, rows, columns))
    for cell, rows, columns in cells:
        cell["A"]["Headers"] = pydyf.Array(
            h["ID"] for h, h_rows, h_columns, scope in headers if "ID" in h and (
                scope == "/Column" and h_columns & columns or scope == "/Row" and h_rows & rows))


def _placed_cells(pdf, table):
    """(row group, cell, its rows, its columns) for every cell of the table, placed on the
    grid as a browser does: spanned places are taken, a cell goes to the next free one."""
    taken = set()
    row = 0
    for group in _children(pdf, table, {"/THead", "/TBody", "/TFoot"}):
        for tr in _children(pdf, group, {"/TR"}):
            column = 0
            for cell in _children(pdf, tr, {"/TH", "/TD"}):
                while (row, column) in taken:
                    column += 1
                attributes = cell.setdefault("A", pydyf.Dictionary({"O": "/Table"}))
                rows = set(range(row, row + int(attributes.get("RowSpan", 1))))
                columns = set(range(column, column + int(attributes.get("ColSpan", 1))))
                taken.update((r, c) for r in rows for c in columns)
                yield group, cell, rows, columns
                column = max(columns) + 1
            row += 1


def _unwrap_rows(pdf, element):
    kids = pydyf.Array()
    for kid in _kids(element):
        child = _resolve(pdf, kid) if isinstance(kid, (bytes, str)) else None
        if child is not None and child["S"] == "/Div":
            for grandchild in _kids(child):
                if isinstance(grandchild, (bytes, str)):
                    _resolve(pdf, grandchild)["P"] = element.reference
                kids.append(grandchild)
        else:
            kids.append(kid)
    element["K"] = kids


def _prefix_ids(elements, prefix):
    for obj in elements:
        if "ID" in obj:
            obj["ID"] = pydyf.String(f"{prefix}-{obj['ID'].string}")
        attributes = obj.get("A")
        if isinstance(attributes, dict) and "Headers" in attributes:
            attributes["Headers"] = pydyf.Array(
                pydyf.String(f"{prefix}-{h.string}") for h in attributes["Headers"])


def _rename_font_subsets(pdf, prefix):
    """``/ABCDEF+LiberationSans`` → a tag of the document's own: WeasyPrint names a font's
    subset after the font alone, and two documents' subsets of one font differ."""
    for obj in pdf.objects:
        if not isinstance(obj, dict):
            continue
        for key in ("BaseFont", "FontName"):
            name = obj.get(key)
            if isinstance(name, bytes) and name[7:8] == b"+":
                digest = hashlib.sha256(prefix.encode() + name[1:7]).digest()
                tag = bytes(65 + b % 26 for b in digest[:6])
                obj[key] = b"/" + tag + name[7:]
