"""Reads a tagged PDF's structure tree (pikepdf) and its marked content (pdfplumber),
and lists what an assistive technology would stumble on.

Independent of the application's code: it knows only the PDF standard's tags.
"""

import io
import re
from collections import Counter
from dataclasses import dataclass, field

import pdfplumber
import pikepdf

HEADING = re.compile(r"/H([1-6])$")


@dataclass
class Element:
    tag: str
    obj: object
    ancestors: tuple  # tags, the root's first


@dataclass
class Report:
    counts: Counter = field(default_factory=Counter)
    headings: list = field(default_factory=list)  # (level, in user-written text)
    faults: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # allowed, but worth a look
    figure_alts: list = field(default_factory=list)


def _kids(obj):
    kids = obj.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _is_element(kid):
    return isinstance(kid, pikepdf.Dictionary) and "/S" in kid and kid.get("/Type") != "/OBJR"


def walk(obj, ancestors=()):
    """The structure elements under ``obj`` in reading order."""
    for kid in _kids(obj):
        if _is_element(kid):
            element = Element(str(kid.S), kid, ancestors)
            yield element
            yield from walk(kid, ancestors + (element.tag,))


def check_part(part, report):
    """Headings, tables, lists and figures of one document's tree (a Part or a Document)."""
    elements = list(walk(part))
    report.counts.update(e.tag for e in elements)
    ids = {str(e.obj.ID) for e in elements if e.tag == "/TH" and "/ID" in e.obj}
    previous = 0
    for e in elements:
        match = HEADING.match(e.tag)
        if match:
            level = int(match.group(1))
            # Headings inside a Div are the users' own text (an intro, a comment).
            in_user_text = "/Div" in e.ancestors
            report.headings.append((level, in_user_text))
            if previous == 0 and level != 1:
                report.faults.append(f"first heading is H{level}, not H1")
            elif level > previous + 1:
                # A user's own headings are set below the document's heading above them.
                report.faults.append(f"H{previous} followed by H{level}"
                                     + (" (in text a user wrote)" if in_user_text else ""))
            previous = level
        elif e.tag == "/Table":
            _check_table(e.obj, ids, report)
        elif e.tag == "/L":
            items = [k for k in _kids(e.obj) if _is_element(k)]
            if not items or any(str(k.S) != "/LI" for k in items):
                report.faults.append("a list (L) whose children are not all LI")
            for item in (k for k in items if str(k.S) == "/LI"):
                if not any(_is_element(k) and str(k.S) == "/LBody" for k in _kids(item)):
                    report.faults.append("a list item (LI) without LBody")
        elif e.tag == "/Figure":
            alt = str(e.obj.get("/Alt", "")).strip()
            if not alt:
                report.faults.append("a Figure without a text alternative (Alt)")
            report.figure_alts.append(alt)


def _check_table(table, ids, report):
    parts = {str(k.S): k for k in _kids(table) if _is_element(k)}
    head = parts.get("/THead")
    if head is None:
        report.faults.append("a Table without THead")
        return
    rows = [k for k in _kids(head) if _is_element(k) and str(k.S) == "/TR"]
    if not rows:
        report.faults.append("a THead without rows")
    for row in rows:
        cells = [str(c.S) for c in _kids(row) if _is_element(c)]
        if not cells or any(c != "/TH" for c in cells):
            report.faults.append(f"a header row with cells {cells}")
    for element in walk(table):
        if element.tag == "/TD":
            headers = element.obj.get("/A", {}).get("/Headers", [])
            if not headers:
                report.faults.append("a TD that names no header cell")
            elif any(str(h) not in ids for h in headers):
                report.faults.append("a TD naming a header cell that is not in its document")


def check_pdf(data, archival=False):
    """A ``Report`` of the whole file: catalog, every part's tree, and its content."""
    report = Report()
    pdf = pikepdf.open(io.BytesIO(data))
    root = pdf.Root
    if str(root.get("/Lang", "")) != "sv":
        report.faults.append(f"Lang is {root.get('/Lang')!r}, not sv")
    if not bool(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)):
        report.faults.append("the title is not what the viewer shows (DisplayDocTitle)")
    if not bool(root.get("/MarkInfo", {}).get("/Marked", False)):
        report.faults.append("not marked as tagged (MarkInfo)")
    title = str(pdf.docinfo.get("/Title", ""))
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        if not title or meta.get("dc:title") != title:
            report.faults.append(f"title {title!r} and XMP dc:title {meta.get('dc:title')!r}")
        if archival and (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) != ("2", "A"):
            report.faults.append("archival variant is not identified as PDF/A-2a")
        if meta.get("pdfuaid:part") != "1":
            report.faults.append("not identified as PDF/UA-1 (XMP pdfuaid:part)")
    if archival and "/OutputIntents" not in root:
        report.faults.append("archival variant without output intent")
    tree = root.get("/StructTreeRoot")
    if tree is None:
        report.faults.append("no structure tree")
        return report
    documents = [k for k in _kids(tree) if _is_element(k)]
    parts = [k for d in documents for k in _kids(d) if _is_element(k) and str(k.S) == "/Part"]
    for part in parts or documents:
        check_part(part, report)
    report.counts["documents"] = len(parts or documents)
    _check_content(data, pdf, tree, report)
    return report


def _reachable(tree):
    seen, stack = set(), list(_kids(tree))
    while stack:
        kid = stack.pop()
        if _is_element(kid) and kid.objgen not in seen:
            seen.add(kid.objgen)
            stack.extend(_kids(kid))
    return seen


def _parent_tree(tree):
    nums = tree.ParentTree.Nums
    return {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}


def _check_content(data, pdf, tree, report):
    """Every character is either an artifact or marked content that belongs to an
    element in the tree; page numbers and running heads are artifacts."""
    reachable, parents = _reachable(tree), _parent_tree(tree)
    with pdfplumber.open(io.BytesIO(data)) as plumber:
        for index, (page, pike_page) in enumerate(zip(plumber.pages, pdf.pages)):
            marked = parents.get(int(pike_page.obj.get("/StructParents", -1)))
            artifact, orphans = [], 0
            for char in page.chars:
                if char.get("tag") == "Artifact":
                    artifact.append(char["text"])
                    report.counts["artifact characters"] += 1
                    continue
                mcid = char.get("mcid")
                element = marked[mcid] if marked is not None and mcid is not None \
                    and mcid < len(marked) else None
                if element is None or not isinstance(element, pikepdf.Dictionary) \
                        or element.objgen not in reachable:
                    orphans += 1
                else:
                    report.counts["tagged characters"] += 1
            if orphans:
                report.faults.append(f"page {index + 1}: {orphans} characters neither tagged "
                                     "nor artifact")
            text = page.extract_text() or ""
            footer = re.search(r"Sida \d+ \(\d+\)", text)
            if footer and footer.group(0) not in "".join(artifact):
                report.faults.append(f"page {index + 1}: '{footer.group(0)}' is not an artifact")
            if footer:
                report.counts["page numbers as artifacts"] += 1
