"""Documents' PDFs as one file that stays what they are: tagged, and PDF/A where they are.

Copying pages alone (what PDF libraries do when they merge) would drop the structure
tree, the document's language and title, and PDF/A's metadata. Here each document's
tree becomes a ``Part`` of the case's ``Document`` and its parent-tree keys are
renumbered (pikepdf carries the named destinations and outlines); the case gets the
first document's output intent and PDF/A identification, and its own title.
"""

import io

import pikepdf
from pikepdf import Array, Dictionary, Name, String


def join(pdfs, title, author, lang="sv"):
    out = pikepdf.new()
    document = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array()))
    parent_tree, next_key = [], 0
    tagged = True
    sources = []  # open until saved: copied objects are read from them
    for data in pdfs:
        source = pikepdf.open(io.BytesIO(data))
        sources.append(source)
        keys, next_key = _add_pages(out, source, next_key)
        if "/StructTreeRoot" in source.Root:
            parent_tree += _add_part(out, source.Root.StructTreeRoot, document, keys)
        else:
            tagged = False

    catalog = out.Root
    if tagged and pdfs:
        _set_structure_tree(out, catalog, document, parent_tree, next_key)
    catalog.Lang = String(lang)
    catalog.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    if "/Outlines" in catalog:
        catalog.PageMode = Name.UseOutlines
    if sources:
        _copy_identification(out, catalog, sources[0])
    _set_metadata(out, title, author)
    version = max((s.pdf_version for s in sources), default="1.7")
    buffer = io.BytesIO()
    out.save(buffer, deterministic_id=True, min_version=version,
             object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue()


def _add_pages(out, source, next_key):
    """``source``'s pages added to ``out``, their parent-tree keys renumbered from
    ``next_key``: ({old key: new key}, the next key free)."""
    start = len(out.pages)
    # With their named destinations (renamed where two documents use one name) and
    # their outline.
    out.add_pages_from(source)
    keys = {}
    for page in out.pages[start:]:
        next_key = _renumber(page.obj, "/StructParents", keys, next_key)
        for annotation in page.obj.get("/Annots", []):
            next_key = _renumber(annotation, "/StructParent", keys, next_key)
    return keys, next_key


def _add_part(out, tree_root, document, keys):
    """A document's structure tree (``tree_root``, of its own file) as a ``Part`` of the
    case's ``document``: its parent-tree entries, [(new key, value)]."""
    tree = _copy(out, tree_root)
    part = tree.K[0] if isinstance(tree.K, Array) else tree.K
    part.S, part.P = Name.Part, document
    document.K.append(part)
    nums = tree.ParentTree.Nums
    return [(keys[int(nums[i])], nums[i + 1]) for i in range(0, len(nums), 2)
            if int(nums[i]) in keys]


def _set_structure_tree(out, catalog, document, parent_tree, next_key):
    """The case's structure tree: its ``document``, and the parent tree of its parts."""
    tree = out.make_indirect(Dictionary(
        Type=Name.StructTreeRoot, K=Array([document]),
        ParentTree=out.make_indirect(Dictionary(Nums=Array(
            [x for key, value in sorted(parent_tree, key=lambda kv: kv[0])
             for x in (key, value)]))),
        ParentTreeNextKey=next_key))
    document.P = tree
    catalog.StructTreeRoot = tree
    catalog.MarkInfo = Dictionary(Marked=True)


def _copy_identification(out, catalog, first):
    """The first document's output intent, metadata (its PDF/A identification) and
    document information."""
    if "/OutputIntents" in first.Root:
        catalog.OutputIntents = _copy(out, first.Root.OutputIntents)
    if "/Metadata" in first.Root:
        catalog.Metadata = _copy(out, first.Root.Metadata)
    for key, value in first.docinfo.items():
        out.docinfo[key] = _copy(out, value)


def _set_metadata(out, title, author):
    with out.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:title"] = title
        meta["dc:creator"] = [author]
        meta["xmp:CreatorTool"] = "followup"
        meta["pdf:Producer"] = "followup (WeasyPrint)"


def _copy(out, obj):
    """``obj`` of another file, as an object of ``out``."""
    if isinstance(obj, pikepdf.Object) and obj.is_indirect:
        return out.copy_foreign(obj)
    if isinstance(obj, Array):
        return Array([_copy(out, item) for item in obj])
    if isinstance(obj, Dictionary):
        return Dictionary({key: _copy(out, value) for key, value in obj.items()})
    return obj


def _renumber(obj, key, keys, next_key):
    if key in obj:
        keys[int(obj[key])] = next_key
        obj[key] = next_key
        next_key += 1
    return next_key
