"""Bound PDFs assembled from PDFs already written, without drawing their pages again (pikepdf: qpdf copies
the objects, in C++).

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
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf

from erasure_docs.errors import ErasureDocsError


class BindError(ErasureDocsError):
    """A PDF to bind is not shaped as WeasyPrint writes it (no structure tree, too few stamp pages)."""


def bind(head: bytes, head_title: str, parts: list[tuple[str, bytes]], stamps: bytes) -> bytes:
    """`head`'s pages, then each part's pages (title, PDF) with page i of `stamps` drawn over the i-th of them
    (or its only page over all of them)."""
    binder = Binder(head, head_title, stamps)
    for title, data in parts:
        binder.add(title, data)
    return binder.finish()


class Binder:
    """One bound file in the making: the head's tags and parent tree, which the parts' join."""

    def __init__(self, head: bytes, head_title: str, stamps: bytes):
        self.pdf = Pdf.open(io.BytesIO(head))
        if "/StructTreeRoot" not in self.pdf.Root:
            raise BindError("the head has no structure tree")
        self.tree = self.pdf.Root.StructTreeRoot
        self.document = self.tree.K[0] if isinstance(self.tree.K, Array) else self.tree.K
        self.nums: Any = self.tree.ParentTree.Nums
        self.next_key = 1 + max((int(key) for key in list(self.nums)[::2]), default=-1)
        self.sheets = Pdf.open(io.BytesIO(stamps))
        self.opened = [self.sheets]  # qpdf copies a stream's data only when saving: the sources stay open till then
        self.forms: dict[int, Any] = {}  # stamp sheet → its form XObject in the bound file
        self.outline = [(head_title, 0)]
        self.stamped = 0

    def add(self, title: str, data: bytes) -> None:
        """A part's pages, stamped, and its tags."""
        self.outline.append((title, len(self.pdf.pages)))
        part = Pdf.open(io.BytesIO(data))
        self.opened.append(part)
        if "/StructTreeRoot" not in part.Root:
            raise BindError(f"{title}: no structure tree to bind")
        renumbered: dict[int, int] = {}
        for page in part.pages:
            self.pdf.pages.append(page)
            added = self.pdf.pages[-1]
            without_signatures(added)
            renumbered |= self.renumber(added)
            stamp(self.pdf, added, self.next_form())
        adopt_structure(self.pdf, self.document, part)
        values = pairs(part.Root.StructTreeRoot.ParentTree)
        for old, new in renumbered.items():
            self.nums.extend([new, copied(self.pdf, values[old])])

    def renumber(self, page: Any) -> dict[int, int]:
        """New parent-tree keys for a bound page and its annotations, after the ones taken (old → new)."""
        keyed = [(page.obj, "/StructParents"), *[(a, "/StructParent") for a in page.obj.get("/Annots", [])]]
        renumbered = {}
        for holder, key_name in keyed:
            if key_name in holder:
                renumbered[int(holder[key_name])] = self.next_key
                holder[key_name] = self.next_key
                self.next_key += 1
        return renumbered

    def next_form(self) -> Any:
        """The stamp for the next page: the next sheet's, or the only sheet's."""
        index = self.stamped if len(self.sheets.pages) > 1 else 0
        if index >= len(self.sheets.pages):
            raise BindError(f"{len(self.sheets.pages)} stamp pages for more pages to stamp")
        if index not in self.forms:
            self.forms[index] = self.pdf.copy_foreign(self.sheets.pages[index].as_form_xobject())
        self.stamped += 1
        return self.forms[index]

    def finish(self) -> bytes:
        self.tree.ParentTreeNextKey = self.next_key
        retag_subsets(self.pdf)
        set_outline(self.pdf, self.outline)
        return saved(self.pdf)


def saved(pdf: Pdf) -> bytes:
    """The PDF's bytes: the same for the same content (no random identifier), objects compressed in streams."""
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def copied(pdf: Pdf, value: Any) -> Any:
    """A parent tree's value in the bound file: the array of a page's elements (a direct object, which qpdf
    copies only by its members), or an annotation's element."""
    if isinstance(value, Array):
        return Array([pdf.copy_foreign(element) if element.is_indirect else element for element in value])
    return pdf.copy_foreign(value)


def pairs(node: Any) -> dict[int, Any]:
    """The (key → value) pairs of a PDF number tree."""
    found: dict[int, Any] = {}
    if "/Nums" in node:
        values = list(node.Nums)
        found.update({int(values[i]): values[i + 1] for i in range(0, len(values), 2)})
    for kid in node.get("/Kids", []):
        found.update(pairs(kid))
    return found


def adopt_structure(pdf: Pdf, document: Any, part: Pdf) -> None:
    """Each top element of a part's structure tree becomes a Part under the head's Document (copied after the
    part's pages, so that its references to them lead to the bound pages)."""
    kids = part.Root.StructTreeRoot.K
    for kid in kids if isinstance(kids, Array) else [kids]:
        element = pdf.copy_foreign(kid)
        element.S = Name.Part
        element.P = document
        if "/Lang" in part.Root:
            element.Lang = part.Root.Lang
        if "/K" not in document:
            document.K = Array()
        elif not isinstance(document.K, Array):
            document.K = Array([document.K])
        document.K.append(element)


def without_signatures(page: Any) -> None:
    """A signature field signs the file it is in: a signed page bound into another file leaves it behind (the
    bound file is signed anew, if at all)."""
    if "/Annots" not in page.obj:
        return
    kept = [a for a in page.obj.Annots if not (a.get("/Subtype") == Name.Widget and Name.Sig in (
        a.get("/FT"), a.get("/Parent", Dictionary()).get("/FT")))]
    if len(kept) < len(page.obj.Annots):
        page.obj.Annots = Array(kept)


def stamp(pdf: Pdf, page: Any, form: Any) -> None:
    """Draw `form` over the page: its own drawing in q…Q (WeasyPrint leaves a transformation set), then the form
    as a pagination artifact (read as text, no part of the structure)."""
    name = page.add_resource(form, Name.XObject, name=stamp_name(page, form))
    page.contents_add(pdf.make_stream(b"q\n"), prepend=True)
    page.contents_add(pdf.make_stream(b"Q\n/Artifact <</Type /Pagination>> BDC q " + str(name).encode()
                                      + b" Do Q EMC\n"))


def stamp_name(page: Any, form: Any) -> Name:
    """The first /EDStampN the page's resources (shared by a document's pages) do not give to another drawing:
    never a random name (the same input gives the same bytes), never one a bound page already uses for its
    own stamp (the attorney's copy stamps pages of filing.pdf again)."""
    drawn = page.obj.get("/Resources", Dictionary()).get("/XObject", Dictionary())
    number = 0
    while (name := Name(f"/EDStamp{number}")) in drawn and drawn[name].objgen != form.objgen:
        number += 1
    return name


def retag_subsets(pdf: Pdf) -> None:
    """Each embedded font subset named by a tag of its own. Every part's subsets of a font carry the same tag
    (WeasyPrint derives it from the font, not from the glyphs kept), but different subsets in one PDF must have
    different tags (ISO 32000-1, 9.6.4), or a reader may take one subset for another and lose glyphs: the tag is
    made from the subset's own bytes."""
    done: set[tuple[int, int]] = set()
    for page in pdf.pages:
        resources = page.obj.get("/Resources", Dictionary())
        font_dicts = [resources.get("/Font", Dictionary())]
        font_dicts += [x.get("/Resources", Dictionary()).get("/Font", Dictionary())
                       for x in resources.get("/XObject", Dictionary()).values() if x.get("/Subtype") == Name.Form]
        for fonts in font_dicts:
            for font in fonts.values():
                if font.objgen not in done:
                    done.add(font.objgen)
                    retag(font)


def retag(font: Any) -> None:
    for described in font.get("/DescendantFonts", [font]):
        descriptor = described.get("/FontDescriptor")
        program = next((descriptor[key] for key in ("/FontFile2", "/FontFile3", "/FontFile")
                        if descriptor is not None and key in descriptor), None)
        if program is None:
            continue
        tag = "".join(chr(65 + byte % 26) for byte in hashlib.sha256(program.read_raw_bytes()).digest()[:6])
        for holder, key in ((font, "/BaseFont"), (described, "/BaseFont"), (descriptor, "/FontName")):
            name = str(holder.get(key, ""))
            if len(name) > 8 and name[7] == "+":
                holder[key] = Name(f"/{tag}{name[7:]}")


def set_outline(pdf: Pdf, entries: list[tuple[str, int]]) -> None:
    """The bound file's bookmarks: one per part, at its first page (the head's own bookmarks are replaced)."""
    with pdf.open_outline() as outline:
        outline.root[:] = [pikepdf.OutlineItem(title, page) for title, page in entries]
