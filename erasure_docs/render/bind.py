"""Bound PDFs assembled from PDFs already written, without drawing their pages again.

A bound file (a court's filing.pdf, the attorney's copy) starts from a *head* that WeasyPrint wrote (its first
pages, with the bound file's metadata, language, PDF/A identification and output intent, and any attachments),
then takes the pages of each *part* as they were written, and draws a stamp over each of those pages (the
"Filing page N of M" line, "ATTORNEY COPY — NOT FOR FILING"). The stamp is a page of a stamp sheet that
WeasyPrint wrote; it is placed as a form XObject marked as a pagination artifact, so it is real text but no part
of the document's structure. Each part's structure tree (its tags) becomes a Part of the head's Document, and its
keys in the parent tree are renumbered after the head's, so the bound file stays tagged. An outline gives each
part's first page.
"""

from __future__ import annotations

import hashlib
import io
from typing import Any, Iterator

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, IndirectObject, NameObject,
                           NumberObject, TextStringObject)

from erasure_docs.errors import ErasureDocsError

STAMP = NameObject("/EDStamp")


class BindError(ErasureDocsError):
    """A PDF to bind is not shaped as WeasyPrint writes it (no structure tree, too few stamp pages)."""


def bind(head: bytes, head_title: str, parts: list[tuple[str, bytes]], stamps: bytes) -> bytes:
    """`head`'s pages, then each part's pages (title, PDF) with page i of `stamps` drawn over the i-th of them
    (or its only page over all of them)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(head)))
    document, parent_tree = structure_of(writer)
    next_key = 1 + max((key for key, _ in number_tree(parent_tree)), default=-1)
    stamp_pages = PdfReader(io.BytesIO(stamps)).pages
    forms: dict[int, IndirectObject] = {}
    outline = [(head_title, 0)]
    placed = 0
    for title, data in parts:
        outline.append((title, len(writer.pages)))
        reader = PdfReader(io.BytesIO(data))
        catalog: Any = reader.trailer["/Root"]
        source_tree = catalog.get("/StructTreeRoot")
        if source_tree is None:
            raise BindError(f"{title}: no structure tree to bind")
        source_keys = dict(number_tree(source_tree.get_object()["/ParentTree"].get_object()))
        new_keys: dict[int, int] = {}
        for page in reader.pages:
            added = writer.add_page(page)  # pypdf leaves out the page's /StructParents: set again below
            keyed: list[tuple[Any, Any, str]] = [(page, added, "/StructParents")]
            keyed += [(annotation, annotation, "/StructParent") for annotation in annotations_of(added)]
            for source, target, key_name in keyed:
                if key_name in source:
                    new_keys[int(source[key_name])] = next_key
                    target[NameObject(key_name)] = NumberObject(next_key)
                    next_key += 1
            index = placed if len(stamp_pages) > 1 else 0
            if index >= len(stamp_pages):
                raise BindError(f"{len(stamp_pages)} stamp pages for more pages to stamp")
            if index not in forms:
                forms[index] = form_from_page(writer, stamp_pages[index])
            stamp_page(writer, added, forms[index])
            placed += 1
        adopt_structure(writer, document, source_tree.get_object(), catalog.get("/Lang"))
        for old, new in new_keys.items():
            parent_tree_append(parent_tree, new, source_keys[old].clone(writer))
    parent_tree[NameObject("/ParentTreeNextKey")] = NumberObject(next_key)
    retag_subsets(writer)
    set_outline(writer, outline)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def structure_of(writer: PdfWriter) -> tuple[DictionaryObject, DictionaryObject]:
    """The head's Document element and its parent tree (the number tree from content to structure)."""
    found: Any = writer.root_object.get("/StructTreeRoot")
    if found is None:
        raise BindError("the head has no structure tree")
    tree = found.get_object()
    kids = tree["/K"]
    document = (kids[0] if isinstance(kids, ArrayObject) else kids).get_object()
    return document, tree["/ParentTree"].get_object()


def number_tree(node: DictionaryObject) -> Iterator[tuple[int, Any]]:
    """The (key, value) pairs of a PDF number tree, leaves in order."""
    nums = node.get("/Nums")
    if nums is not None:
        for i in range(0, len(nums), 2):
            yield int(nums[i]), nums[i + 1]
    for kid in node.get("/Kids", []):
        yield from number_tree(kid.get_object())


def parent_tree_append(parent_tree: DictionaryObject, key: int, value: Any) -> None:
    if "/Kids" in parent_tree:
        raise BindError("the head's parent tree has kids")  # WeasyPrint writes one flat /Nums array
    parent_tree.setdefault(NameObject("/Nums"), ArrayObject()).extend([NumberObject(key), value])


def annotations_of(page: Any) -> list[DictionaryObject]:
    return [annotation.get_object() for annotation in page.get("/Annots", [])]


def adopt_structure(writer: PdfWriter, document: DictionaryObject, source_tree: DictionaryObject,
                    language: Any) -> None:
    """Each top element of a part's structure tree becomes a Part under the head's Document."""
    kids: Any = source_tree["/K"]
    for kid in kids if isinstance(kids, ArrayObject) else [kids]:
        element: Any = kid.get_object().clone(writer, ignore_fields=("/P",))
        element[NameObject("/S")] = NameObject("/Part")
        if language is not None:
            element[NameObject("/Lang")] = TextStringObject(str(language))
        set_parents(element, document)
        document.setdefault(NameObject("/K"), ArrayObject()).append(element.indirect_reference)


def set_parents(element: DictionaryObject, parent: DictionaryObject) -> None:
    """The /P of every structure element (left out when cloning: it pointed into the part's own tree)."""
    element[NameObject("/P")] = parent.indirect_reference
    kids = element.get("/K")
    for kid in kids if isinstance(kids, ArrayObject) else [kids] if kids is not None else []:
        if isinstance(kid, IndirectObject) or isinstance(kid, DictionaryObject):
            child = kid.get_object()
            if isinstance(child, DictionaryObject) and child.get("/Type", "/StructElem") == "/StructElem" \
                    and "/S" in child:
                set_parents(child, element)


def form_from_page(writer: PdfWriter, page: Any) -> IndirectObject:
    """A stamp page as a form XObject."""
    form = DecodedStreamObject()
    form.set_data(page.get_contents().get_data())
    form.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                 NameObject("/BBox"): ArrayObject(page.mediabox),
                 NameObject("/Resources"): page["/Resources"].clone(writer)})
    return writer._add_object(form.flate_encode())


def stamp_page(writer: PdfWriter, page: Any, form: IndirectObject) -> None:
    """Draw `form` over the page: its own drawing in q…Q (WeasyPrint leaves a transformation set), then the form
    as a pagination artifact (read as text, no part of the structure)."""
    resources = page["/Resources"].get_object()
    if resources.get("/XObject") is None:
        resources[NameObject("/XObject")] = DictionaryObject()
    xobjects = resources["/XObject"].get_object()
    name = NameObject(f"{STAMP}{form.idnum}")
    xobjects[name] = form
    contents = page.raw_get("/Contents")  # the reference, not the stream it points to
    contents = list(contents.get_object()) if isinstance(contents.get_object(), ArrayObject) else [contents]
    page[NameObject("/Contents")] = ArrayObject([stream(writer, b"q\n"), *contents, stream(
        writer, b"Q\n/Artifact <</Type /Pagination>> BDC q " + name.encode() + b" Do Q EMC\n")])


def stream(writer: PdfWriter, data: bytes) -> IndirectObject:
    content = DecodedStreamObject()
    content.set_data(data)
    return writer._add_object(content)


def retag_subsets(writer: PdfWriter) -> None:
    """Each embedded font subset named by a tag of its own. Every part's subsets of a font carry the same tag
    (WeasyPrint derives it from the font, not from the glyphs kept), but different subsets in one PDF must have
    different tags, or a reader may take one subset for another and drop glyphs: the tag is made from the
    subset's own bytes."""
    done: set[int] = set()
    for page in writer.pages:
        resources: Any = page["/Resources"]
        font_dicts = [resources.get("/Font")]
        drawn = [xobject.get_object() for xobject in (resources.get("/XObject") or {}).values()]
        font_dicts += [form.get("/Resources", {}).get("/Font") for form in drawn if form.get("/Subtype") == "/Form"]
        for fonts in font_dicts:
            for font in (fonts.get_object() if fonts is not None else {}).values():
                font = font.get_object()
                if id(font) not in done:
                    done.add(id(font))
                    retag(font)


def retag(font: Any) -> None:
    for named in [font, *[kid.get_object() for kid in font.get("/DescendantFonts", [])]]:
        descriptor = named.get("/FontDescriptor")
        program = next((descriptor[key] for key in ("/FontFile2", "/FontFile3", "/FontFile")
                        if descriptor is not None and key in descriptor), None)
        if program is None or font.get("/DescendantFonts") and named is font:
            continue
        tag = "".join(chr(65 + byte % 26) for byte in hashlib.sha256(program.get_object().get_data()).digest()[:6])
        for holder, key in ((font, "/BaseFont"), (named, "/BaseFont"), (descriptor.get_object(), "/FontName")):
            name = str(holder.get(key, ""))
            if len(name) > 8 and name[7] == "+":
                holder[NameObject(key)] = NameObject(f"/{tag}{name[7:]}")


def set_outline(writer: PdfWriter, entries: list[tuple[str, int]]) -> None:
    """The bound file's bookmarks: one per part, at its first page (the head's own bookmarks are dropped)."""
    if "/Outlines" in writer.root_object:
        del writer.root_object["/Outlines"]
    for title, page in entries:
        writer.add_outline_item(title=title, page_number=page)
