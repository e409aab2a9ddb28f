"""What WeasyPrint's tagged PDF still needs before it is written, done on its objects.

Passed to ``write_pdf`` as its ``finisher``, in the process that lays the document out:

- Running headers and footers become artifacts. WeasyPrint marks the text of page
  margins as content but leaves it out of the structure tree (its issue #1836), so it
  is neither read as part of the text nor an artifact, which PDF/UA forbids. Here
  those marked sequences become ``/Artifact`` (pagination) and leave the parent tree.
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
            _prefix_ids(pdf, prefix)
        _rename_font_subsets(pdf, prefix)
    return finish


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


def _prefix_ids(pdf, prefix):
    for obj in pdf.objects:
        if not isinstance(obj, dict) or obj.get("Type") != "/StructElem":
            continue
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
