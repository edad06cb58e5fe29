"""Filing sets that are safe to file, read back from a real case folder: one set per court (a juvenile court
alone), nothing attached to a filed PDF, no other court's docket in a filed PDF, victims' addresses only in the
mailings, the narrative only in the sealed affidavits, archival tagged PDFs, page numbers that match the cover
letter, and `verify` naming a swapped, added or removed page."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest
import yaml

from erasure_docs.loading import load_case_file
from erasure_docs.packet import page_texts
from tests.textextract import SAMPLES, docx_text, generate, normalise

pytestmark = pytest.mark.render

STAMP = "ATTORNEY COPY — NOT FOR FILING"


def three_court_case() -> dict:
    """The mixed sample, with its G.A. 7 docket turned into a conviction with a victim: a juvenile docket, two
    adult courts that both file, a federal record, a pending docket, a victim and a narrative."""
    data = yaml.safe_load((SAMPLES / "mixed-multi-docket.yaml").read_text(encoding="utf-8"))
    data["case_id"] = "TEST-THREE-COURTS"
    meriden = next(r for r in data["records"] if r["docket_number"].startswith("N07M"))
    meriden["charges"] = [{
        "statute": "53a-125b", "description": "Larceny in the sixth degree", "offense_class": "C misdemeanor",
        "offense_date": "2016-02-20", "disposition": "convicted", "disposition_date": "2016-06-07",
        "related_to_trafficking": True,
        "victims": [{"name": "Corner Market LLC",
                     "address": {"street": "88 Colony St", "city": "Meriden", "state": "CT", "zip": "06451"},
                     "notice": {"method": "certified", "tracking_number": "9407 1111 2222 3333 4444 55",
                                "mailed_on": "2026-11-02"}}]}]
    return data


@pytest.fixture(scope="module")
def three(tmp_path_factory) -> tuple[Path, dict]:
    tmp = tmp_path_factory.mktemp("three-courts")
    data = three_court_case()
    path = tmp / "case.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    code, out, err = generate(path, tmp / "out")
    assert code == 0, out + err
    return tmp / "out" / data["case_id"], data


@pytest.fixture(scope="module")
def victim_folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("victim")
    code, out_text, err = generate(SAMPLES / "adult-with-victim.yaml", out)
    assert code == 0, out_text + err
    return out / "CLINIC-2026-0013"


def files(folder: Path, *suffixes: str) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in suffixes)


def text_of(path: Path) -> str:
    if path.suffix == ".docx":
        return docx_text(path)
    if path.suffix == ".pdf":
        return "\n".join(page_texts(path.read_bytes()))
    return path.read_text(encoding="utf-8")


def metadata_of(path: Path) -> str:
    """Everything a PDF says about itself outside its pages: the info dictionary and the XMP packet."""
    reader = pypdf.PdfReader(path)
    xmp = reader.xmp_metadata
    info = " ".join(str(v) for v in (reader.metadata or {}).values())
    return info + (xmp.stream.get_data().decode("utf-8") if xmp else "")


def relative(folder: Path, path: Path) -> str:
    return path.relative_to(folder).as_posix()


# ---------------------------------------------------------------- separation

def test_one_filing_set_per_court_juvenile_alone(three):
    folder, data = three
    sets = sorted(p.name for p in (folder / "filings").iterdir())
    assert sets == ["ga-23-new-haven", "ga-7-meriden", "juvenile-new-haven"]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    dockets = {s["folder"].split("/")[-1]: s["dockets"] for s in manifest["filing_sets"]}
    assert dockets == {"juvenile-new-haven": ["N10-JV13-0041876"], "ga-23-new-haven": ["N23N-CR15-0180935-S"],
                       "ga-7-meriden": ["N07M-CR16-0129904-S"]}
    for name in sets:
        assert (folder / "filings" / name / "filing.pdf").is_file()
        assert (folder / "filings" / name / "cover_letter.pdf").is_file()
    assert {s["juvenile"] for s in manifest["filing_sets"] if s["folder"].endswith("juvenile-new-haven")} == {True}


def test_no_attachment_in_any_filed_pdf(three):
    folder, _ = three
    for path in files(folder, ".pdf"):
        listing = subprocess.run(["pdfdetach", "-list", str(path)], capture_output=True, text=True,
                                 check=True).stdout
        count = int(listing.split()[0])
        if relative(folder, path) == "attorney/attorney-copy.pdf":
            assert count == 3, listing
        else:
            assert count == 0, f"{relative(folder, path)}: {listing}"


def test_filed_pdfs_name_no_other_courts_docket(three):
    folder, data = three
    all_dockets = [r["docket_number"] for r in data["records"]]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for filing in manifest["filing_sets"]:
        own = set(filing["dockets"])
        pdfs = files(folder / filing["folder"], ".pdf", ".docx")
        pdfs += [p for p in files(folder / "sealed", ".pdf", ".docx") if filing["folder"].split("/")[-1] in p.parts]
        assert pdfs
        for path in pdfs:
            text = text_of(path) + (metadata_of(path) if path.suffix == ".pdf" else "")
            for docket in all_dockets:
                if docket not in own:
                    assert docket not in text, f"{relative(folder, path)} names {docket}"
            assert own & {d for d in all_dockets if d in text}, relative(folder, path)


def test_filed_pdf_metadata_title_and_preparer(three):
    folder, _ = three
    for path in folder.glob("filings/*/filing.pdf"):
        meta = pypdf.PdfReader(path).metadata
        assert meta.title.startswith("Filing — ") and meta.author == "Margaret Chen-Alvarez"


def test_victim_address_only_in_the_mailings(three):
    folder, _ = three
    street = "88 Colony St"
    seen = []
    for path in files(folder, ".pdf", ".docx", ".json"):
        if relative(folder, path) == "attorney/attorney-copy.pdf":
            continue  # the attorney's copy holds everything, the mailings included
        if street in text_of(path):
            seen.append(relative(folder, path))
    assert sorted(seen) == ["mailings/N07M-CR16-0129904-S/victim_notice-1-envelope.pdf",
                            "mailings/N07M-CR16-0129904-S/victim_notice-1.docx",
                            "mailings/N07M-CR16-0129904-S/victim_notice-1.pdf"]


def test_narrative_only_in_the_sealed_affidavits(three):
    folder, data = three
    sentence = normalise(" ".join(data["trafficking"]["narrative"].split())[:80])
    holders = [relative(folder, p) for p in files(folder, ".pdf", ".docx", ".json")
               if sentence in normalise(text_of(p))]
    assert sorted(holders) == sorted([
        "attorney/attorney-copy.pdf",
        "sealed/ga-23-new-haven/N23N-CR15-0180935-S/affidavit.docx",
        "sealed/ga-23-new-haven/N23N-CR15-0180935-S/affidavit.pdf",
        "sealed/ga-7-meriden/N07M-CR16-0129904-S/affidavit.docx",
        "sealed/ga-7-meriden/N07M-CR16-0129904-S/affidavit.pdf",
        "sealed/juvenile-new-haven/N10-JV13-0041876/affidavit_46b_146.docx",
        "sealed/juvenile-new-haven/N10-JV13-0041876/affidavit_46b_146.pdf"])


def test_sealed_envelope_cover_sheets(three):
    folder, _ = three
    for affidavit in [p for p in folder.glob("sealed/*/*/affidavit*.pdf") if not p.stem.endswith("envelope")]:
        sheet = text_of(affidavit.with_name(f"{affidavit.stem}-envelope.pdf"))
        assert "SEALED" in sheet and affidavit.parent.name in sheet
        if affidavit.stem == "affidavit":
            assert "lodged conditionally under seal pending the Court's ruling on the motion to seal" in sheet
        else:
            assert "§ 46b-124" in sheet


def test_juvenile_cover_letter_uses_initials(three):
    """The juvenile papers name the person inside (they go into the confidential juvenile file, in their own
    set); the cover letter, the outside of that set, uses the initials."""
    folder, data = three
    letter = text_of(folder / "filings" / "juvenile-new-haven" / "cover_letter.pdf")
    assert "Re: S.R." in letter
    assert data["petitioner"]["first_name"] not in letter and data["petitioner"]["last_name"] not in letter


# ---------------------------------------------------------------- pages and the cover letter

def test_cover_letter_ranges_match_the_bound_set(victim_folder):
    manifest = json.loads((victim_folder / "manifest.json").read_text(encoding="utf-8"))
    [filing] = manifest["filing_sets"]
    bound = page_texts((victim_folder / filing["bound"]).read_bytes())
    for number, text in enumerate(bound, start=1):
        assert f"Filing page {number} of {len(bound)}" in text
    letter = normalise(text_of(victim_folder / "filings" / "ga-15-new-britain" / "cover_letter.pdf"))
    for entry in filing["documents"]:
        assert normalise(f"{entry['number']} {entry['title']} {entry['docket_number']} {entry['pages']}") in letter
        first = int(entry["pages"].split("–")[0])
        own = page_texts((victim_folder / entry["path"]).read_bytes())
        assert bound[first - 1].startswith(own[0]), entry  # the range starts where the document starts
    assert "November 30, 2026" in bound[0] and "Clerk, Superior Court" in bound[0] and "Dear Clerk" in bound[0]
    last = filing["documents"][-1]["pages"].split("–")[-1]
    assert int(last) == len(bound)


def test_no_drafting_notes_in_filed_or_mailed_papers(three, victim_folder):
    for folder in (three[0], victim_folder):
        for path in files(folder / "filings", ".pdf", ".docx") + files(folder / "mailings", ".pdf", ".docx"):
            text = text_of(path)
            assert "Note:" not in text and "should be used" not in text, relative(folder, path)
        review = text_of(folder / "attorney" / "review_sheet.pdf")
        assert "form prescribed by the Office of the Chief Court Administrator" in review
    assert "JD-JM-12" in text_of(three[0] / "attorney" / "review_sheet.pdf")


def test_certification_of_notice_names_victims_never_addresses(victim_folder):
    for path in victim_folder.glob("filings/*/*/certification_of_notice.pdf"):
        text = text_of(path)
        assert "Harbor Beauty Supply LLC" in text or "Hoa Trần" in text
        assert "742 West Main St" not in text and "63 Beaver St" not in text


def test_certification_of_notice_uses_initials_for_protected_offenses(tmp_path):
    """Sexual assault and risk of injury (by statute), family violence (marked on the charge): initials."""
    from erasure_docs.rules.tables import load_tables

    data = yaml.safe_load((SAMPLES / "adult-with-victim.yaml").read_text(encoding="utf-8"))
    data["case_id"] = "TEST-INITIALS"
    data["records"][1]["charges"][0]["family_violence"] = True  # the assault on Hoa Trần
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert generate(path, tmp_path / "out", "--format", "pdf")[0] == 0
    folder = tmp_path / "out" / "TEST-INITIALS"
    [family] = folder.glob("filings/*/H15N-CR19-0204412-S/certification_of_notice.pdf")
    [larceny] = folder.glob("filings/*/H15N-CR19-0201456-S/certification_of_notice.pdf")
    assert "H.T." in text_of(family) and "Hoa" not in text_of(family)
    assert "Harbor Beauty Supply LLC" in text_of(larceny)
    assert "Hoa Trần" in text_of(next(folder.glob("mailings/H15N-CR19-0204412-S/victim_notice-1.pdf")))
    # every listed section is one the builder treats as protected
    from erasure_docs.citations import parse_citation
    from erasure_docs.context import ContextBuilder

    for section in load_tables().param("victim_initials_sections"):
        charge = type("C", (), {"family_violence": False, "statute": parse_citation(section)})()
        record = type("R", (), {"charges": [charge]})()
        outcome = type("O", (), {"index": 0})()
        assert ContextBuilder.victim_named_by_initials(None, record, outcome), section  # type: ignore[arg-type]


# ---------------------------------------------------------------- archival, tagged, fonts

def test_filed_pdfs_are_tagged_pdfa_with_embedded_fonts(three):
    from erasure_docs import i18n

    folder, data = three
    client = i18n.letter_language(data["petitioner"].get("language"))  # the letter is in the client's language
    for path in files(folder, ".pdf"):
        reader = pypdf.PdfReader(path)
        root = reader.trailer["/Root"]
        assert "/StructTreeRoot" in root, relative(folder, path)
        assert root.get("/Lang") == (client if path.name == "client_letter.pdf" else "en"), relative(folder, path)
        xmp = reader.xmp_metadata.stream.get_data().decode("utf-8")
        part = "3" if path.name == "attorney-copy.pdf" else "2"
        assert re.search(rf'pdfaid:part(="|>){part}', xmp), relative(folder, path)
        assert re.search(r'pdfaid:conformance(="|>)A', xmp), relative(folder, path)
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        rows = fonts.splitlines()[2:]
        assert rows and all(row.split()[-5] == "yes" for row in rows), f"{relative(folder, path)}: {fonts}"


def marked_ids(page) -> list[int]:  # noqa: ANN001
    return [int(n) for n in re.findall(rb"/MCID (\d+)", page.get_contents().get_data())]


def structure_elements(element, kind: str) -> list:  # noqa: ANN001
    """The structure elements of type `kind` under `element`, in order."""
    found = []
    kids = element.get("/K")
    for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
        child = kid.get_object() if hasattr(kid, "get_object") else kid
        if isinstance(child, dict) and "/S" in child:
            found += [child] if child["/S"] == kind else structure_elements(child, kind)
    return found


@pytest.mark.parametrize("bound", ["filings/ga-15-new-britain/filing.pdf", "attorney/attorney-copy.pdf"])
def test_a_bound_file_keeps_every_documents_tags_and_stamps_as_artifacts(victim_folder, bound):
    """The bound files take the documents' written pages: each document's structure tree becomes a Part of the
    bound file's, every marked piece of every page is reached from it, and the stamp drawn over a page is a
    pagination artifact, outside the structure."""
    reader = pypdf.PdfReader(victim_folder / bound)
    root = reader.trailer["/Root"]["/StructTreeRoot"]
    parent_tree = dict(zip(*[iter(root["/ParentTree"]["/Nums"])] * 2))
    keys = [page["/StructParents"] for page in reader.pages]
    assert len(set(keys)) == len(keys) and all(key in parent_tree for key in keys)
    for number, page in enumerate(reader.pages, start=1):
        marked = marked_ids(page)
        assert marked and len(parent_tree[page["/StructParents"]]) == len(marked), f"page {number}"
        assert all(element is not None for element in parent_tree[page["/StructParents"]]), f"page {number}"
    manifest = json.loads((victim_folder / "manifest.json").read_text(encoding="utf-8"))
    if bound.endswith("filing.pdf"):
        documents = next(s for s in manifest["filing_sets"] if s["bound"] == bound)["documents"]
        parts, stamp = len(documents), "Filing page"
        titles = ["Cover Letter to the Clerk", *[f"{d['number']}. {d['title']}" for d in documents]]
    else:
        parts, stamp = len(manifest["attorney_copy"]["sources"]), "ATTORNEY COPY"
        titles = ["Filing summary", *manifest["attorney_copy"]["sources"]]
    assert len(structure_elements(root["/K"][0].get_object(), "/Part")) >= parts
    assert [item.title for item in reader.outline] == titles
    later = reader.pages[-1]  # a page taken from a document: its stamp is drawn over it as an artifact
    drawn = b"".join(reader.get_object(form.idnum).get_data() for name, form in
                     later["/Resources"]["/XObject"].items() if name.startswith("/EDStamp"))
    assert b"/Artifact <</Type /Pagination>> BDC" in later.get_contents().get_data() and drawn
    assert stamp in page_texts((victim_folder / bound).read_bytes())[-1]
    programs: dict[str, set[bytes]] = {}  # a subset's tag names one subset only (ISO 32000-1, 9.6.4)
    for page in reader.pages:
        resources = page["/Resources"]
        for fonts in [resources["/Font"], *[f["/Resources"]["/Font"] for f in resources["/XObject"].values()]]:
            for font in fonts.values():
                for cid_font in font["/DescendantFonts"]:
                    program = cid_font.get_object()["/FontDescriptor"]["/FontFile2"].get_data()
                    programs.setdefault(str(font["/BaseFont"]), set()).add(program)
    assert len(programs) > 2 and all(len(found) == 1 for found in programs.values())


class SharedRendering:
    """The documents of adult-with-victim.yaml rendered by `_Composer.render_pdfs`, with or without a helper."""

    def __init__(self) -> None:
        import erasure_docs as ed
        from erasure_docs.context import ContextBuilder

        self.case = load_case_file(SAMPLES / "adult-with-victim.yaml").case
        report = ed.check(self.case)
        self.builder, self.refs = ContextBuilder(self.case, report), list(report.planned)

    def items(self) -> list:
        from erasure_docs.context import build_context
        from erasure_docs.packet import RenderedDocument, file_stem

        return [(RenderedDocument(ref, file_stem(self.case, ref)), build_context(self.builder, ref, self.refs))
                for ref in self.refs if ref.kind != "cover_letter"]

    def rendered(self, helper=None) -> tuple[list, int]:  # noqa: ANN001
        import erasure_docs as ed
        from erasure_docs.packet import _Composer

        items = self.items()
        composer = _Composer(ed.Renderers(helper=helper), None, ("pdf",))
        by_helper = composer.render_pdfs(self.case, items, composer.offer_pdfs(self.case, items))
        return [item for item, _ in items], by_helper


@pytest.fixture
def helper():  # noqa: ANN201
    from erasure_docs.packet import render_helper

    started = render_helper()
    assert started is not None  # the test machine has two cores
    started.submit(int).result()  # warmed up, so that it takes its share
    yield started
    started.shutdown()


def test_documents_are_the_same_bytes_whether_the_helper_process_renders_them_or_not(helper):
    """generate shares a case's documents between two processes (the helper takes them from the first on, this
    one from the last on, render/helper.py); what it writes does not depend on which process rendered what."""
    rendering = SharedRendering()
    alone, none = rendering.rendered()
    shared, by_helper = rendering.rendered(helper)
    assert none == 0 and 0 < by_helper < len(alone)
    assert [(d.files, d.pages, d.envelope) for d in shared] == [(d.files, d.pages, d.envelope) for d in alone]
    assert any(d.envelope for d in alone)


def test_a_failure_here_stops_the_helper_before_the_next_case_shares_its_documents(helper, monkeypatch):
    """A document failing in this process ends the case; the helper stops taking that case's documents before
    the next case is shared with it, so that none of the next case's documents is taken and left undone."""
    from erasure_docs import packet

    rendering = SharedRendering()
    real = packet.pdf_files

    def failing(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("a document failed")

    monkeypatch.setattr(packet, "pdf_files", failing)  # here only: the helper process has its own
    with pytest.raises(RuntimeError):
        rendering.rendered(helper)
    monkeypatch.setattr(packet, "pdf_files", real)
    documents, by_helper = rendering.rendered(helper)
    assert by_helper > 0 and all(d.files.get("pdf") and d.pages for d in documents)


# ---------------------------------------------------------------- the attorney's copy

def test_attorney_copy_stamped_on_every_page_and_holds_everything(three):
    folder, _ = three
    binder = folder / "attorney" / "attorney-copy.pdf"
    texts = page_texts(binder.read_bytes())
    assert all(STAMP in text for text in texts)
    assert texts[0].startswith("FILING SUMMARY") or "FILING SUMMARY" in texts[0]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    body = sum(len(page_texts((folder / p).read_bytes())) for p in manifest["attorney_copy"]["sources"])
    assert len(texts) > body
    attached = pypdf.PdfReader(binder).attachments
    assert set(attached) == {"eligibility.json", "case-data-redacted.json", "manifest.json"}
    assert json.loads(attached["eligibility.json"][0]) == json.loads(
        (folder / "attorney" / "eligibility.json").read_text(encoding="utf-8"))
    for text in page_texts((folder / "attorney" / "filing-summary.pdf").read_bytes()):
        assert STAMP not in text


# ---------------------------------------------------------------- verify and show

def swap_page(source: Path, donor: Path, index: int, target: Path) -> None:
    writer = pypdf.PdfWriter()
    theirs = pypdf.PdfReader(donor)
    for number, page in enumerate(pypdf.PdfReader(source).pages):
        writer.add_page(theirs.pages[index] if number == index else page)
    with target.open("wb") as handle:
        writer.write(handle)


def rewrite(path: Path, keep) -> None:  # noqa: ANN001
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    writer = pypdf.PdfWriter()
    for page in keep(list(reader.pages)):
        writer.add_page(page)
    with path.open("wb") as handle:
        writer.write(handle)


@pytest.fixture
def copied(victim_folder, tmp_path) -> Path:
    target = tmp_path / victim_folder.name
    shutil.copytree(victim_folder, target)
    return target


def test_untouched_folder_and_filing_pass(cli, victim_folder):
    for path in (victim_folder, victim_folder / "filings" / "ga-15-new-britain" / "filing.pdf",
                 victim_folder / "attorney" / "attorney-copy.pdf"):
        code, out, err = cli("verify", path)
        assert code == 0, out + err
        assert out.strip().splitlines()[-1].startswith("VERIFIED")


def test_swapped_page_fails_naming_the_page(cli, copied, three):
    bound = copied / "filings" / "ga-15-new-britain" / "filing.pdf"
    donor = three[0] / "filings" / "ga-23-new-haven" / "filing.pdf"
    swapped = bound.with_name("swapped.pdf")
    swap_page(bound, donor, 6, swapped)
    swapped.replace(bound)
    for path in (copied, bound):
        code, out, _ = cli("verify", path)
        assert code == 1
        assert "page 7 is not the recorded page 7" in out, out
        assert "filing.pdf page numbers" in out  # the donor's page prints another set's numbering


@pytest.mark.parametrize("change, expected", [
    (lambda pages: pages + [pages[3]], "is an added page"),
    (lambda pages: pages[:4] + pages[5:], "recorded page 5 was removed"),
])
def test_added_or_removed_page_fails(cli, copied, change, expected):
    bound = copied / "filings" / "ga-15-new-britain" / "filing.pdf"
    rewrite(bound, change)
    code, out, _ = cli("verify", bound)
    assert code == 1 and expected in out, out


def test_lone_filing_checks_its_page_numbers_and_asks_for_the_manifest(cli, victim_folder, tmp_path):
    lone = tmp_path / "filing.pdf"
    shutil.copy(victim_folder / "filings" / "ga-15-new-britain" / "filing.pdf", lone)
    pages = len(pypdf.PdfReader(lone).pages)
    code, out, _ = cli("verify", lone)
    assert code == 1 and f"PASS  filing.pdf: all {pages} pages" in out and "--manifest" in out
    code, out, err = cli("verify", lone, "--manifest", victim_folder / "manifest.json")
    assert code == 0, out + err
    rewrite(lone, lambda pages: pages[:-1])
    code, out, _ = cli("verify", lone, "--manifest", victim_folder / "manifest.json")
    assert code == 1 and f"recorded page {pages} was removed" in out


def test_show_on_a_filing_prints_only_its_dockets(cli, three):
    folder, data = three
    code, out, err = cli("show", folder / "filings" / "ga-7-meriden" / "filing.pdf")
    assert code == 0, err
    assert "N07M-CR16-0129904-S" in out and "Superior Court, G.A. 7, at Meriden" in out
    for record in data["records"]:
        if record["docket_number"] != "N07M-CR16-0129904-S":
            assert record["docket_number"] not in out
    code, out, _ = cli("show", folder)
    assert code == 0 and all(r["docket_number"] in out for r in data["records"])


# ---------------------------------------------------------------- --redact

def test_redact_renders_every_document_from_redacted_data(tmp_path):
    code, out, err = generate(SAMPLES / "adult-with-victim.yaml", tmp_path, "--redact")
    assert code == 0, out + err
    folder = tmp_path / "CLINIC-2026-0013"
    assert (folder / "attorney" / "case-data-redacted.json").is_file()
    secrets = ["Nguyễn", "Oakwood", "Harbor Beauty", "Hoa Trần", "742 West Main", "nail salon", "860-555-0173"]
    for path in files(folder, ".pdf", ".docx", ".json"):
        text = text_of(path)
        for secret in secrets:
            assert secret not in text, f"{relative(folder, path)}: {secret}"
    assert re.search(r"TO: Victim \d", text_of(next(folder.glob("mailings/*/victim_notice-1.pdf"))))
    code, out, _ = generate(SAMPLES / "adult-with-victim.yaml", tmp_path / "again", "--redact")
    assert code == 0
