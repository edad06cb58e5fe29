"""`verify` that proves what it says (issue 18, finding 1 and the verify/show findings), through the real CLI:
a page swapped in from another client's filing, the same with the manifest's hash rewritten, a Word-only packet
with GRANTED changed to DENIED and its hash rewritten, a bound filing deleted with its entry; a malformed
manifest of any shape (a FAIL line, never a traceback); manifest values with terminal escape sequences shown
escaped. Packets are generated once (the session's sample packets, and one Word-only packet here)."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pypdf
import pytest

from erasure_docs.packet import fingerprint_of, page_hashes, word_content_sha256
from tests.textextract import SAMPLES, case_id_of, generate, sample_packets

BOUND = "filings/ga-15-new-britain/filing.pdf"
BINDER = "attorney/attorney-copy.pdf"


# ---------------------------------------------------------------- helpers

def manifest_of(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def write_manifest(folder: Path, manifest: dict) -> None:
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def entry(manifest: dict, path: str) -> dict:
    return next(f for f in manifest["files"] if f["path"] == path)


def failures(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("FAIL  ")]


def replace_page(target: Path, donor: Path, index: int, keep_attachments: bool = False) -> None:
    """Page `index` of `target` replaced by the same page of another client's PDF (attachments copied over)."""
    reader = pypdf.PdfReader(io.BytesIO(target.read_bytes()))
    theirs = pypdf.PdfReader(donor)
    writer = pypdf.PdfWriter()
    for number, page in enumerate(reader.pages):
        writer.add_page(theirs.pages[index] if number == index else page)
    if keep_attachments:
        for name, contents in reader.attachments.items():
            writer.add_attachment(name, contents[0])
    with target.open("wb") as handle:
        writer.write(handle)


def rewrite_hash(folder: Path, path: str, pages: bool = False) -> None:
    """What a forger does next: the manifest's SHA-256 of the file (and, with `pages`, its page texts) updated."""
    manifest = manifest_of(folder)
    data = (folder / path).read_bytes()
    item = entry(manifest, path)
    item["sha256"] = __import__("hashlib").sha256(data).hexdigest()
    if pages:
        item["page_text_sha256"] = page_hashes(data)
    write_manifest(folder, manifest)


# ---------------------------------------------------------------- packets

@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> dict[str, Path]:
    return sample_packets(tmp_path_factory.mktemp("packets"))


@pytest.fixture(scope="module")
def word_only(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("word-only")
    case_file = SAMPLES / "adult-with-victim.yaml"
    code, stdout, stderr = generate(case_file, out, "--format", "docx")
    assert code == 0, stdout + stderr
    return out / case_id_of(case_file)


@pytest.fixture
def copied(samples, tmp_path):
    def make(sample: str = "adult-with-victim") -> Path:
        target = tmp_path / sample
        shutil.copytree(samples[sample], target)
        return target
    return make


# ---------------------------------------------------------------- finding 1

@pytest.mark.render
def test_page_of_a_bound_filing_replaced_by_another_clients_page_fails(cli, copied, samples):
    folder = copied()
    donor = samples["adult-prostitution"] / "filings" / "ga-23-new-haven" / "filing.pdf"
    replace_page(folder / BOUND, donor, 2)
    code, out, _ = cli("verify", folder)
    assert code == 1 and "page 3 is not the recorded page 3" in out, out
    assert any(line.startswith(f"FAIL  {BOUND} pages: do not match its documents' PDFs") for line in failures(out))


@pytest.mark.render
def test_page_of_the_attorney_copy_replaced_attachments_kept_fails(cli, copied, samples):
    folder = copied()
    replace_page(folder / BINDER, samples["adult-prostitution"] / BINDER, 5, keep_attachments=True)
    assert set(pypdf.PdfReader(folder / BINDER).attachments) >= {"manifest.json", "eligibility.json"}
    for target in (folder, folder / BINDER):
        code, out, _ = cli("verify", target)
        assert code == 1 and "page 6 is not the recorded page 6" in out, out


@pytest.mark.render
def test_swapped_filing_with_its_manifest_hash_rewritten_fails(cli, copied, samples):
    folder = copied()
    replace_page(folder / BOUND, samples["adult-prostitution"] / "filings" / "ga-23-new-haven" / "filing.pdf", 2)
    rewrite_hash(folder, BOUND)
    code, out, _ = cli("verify", folder)
    assert code == 1
    assert any("has the SHA-256 recorded in manifest.json, not its recorded page texts" in line
               and "page 3" in line for line in failures(out)), out
    rewrite_hash(folder, BOUND, pages=True)  # the page texts too: the fingerprint and the documents disagree
    code, out, _ = cli("verify", folder)
    assert code == 1
    failed = failures(out)
    assert any(line.startswith("FAIL  fingerprint:") for line in failed), out
    assert any(line.startswith(f"FAIL  {BOUND} pages: do not match its documents' PDFs") for line in failed), out
    manifest = manifest_of(folder)  # and the fingerprint recomputed: the Word files and the summary still differ
    manifest["fingerprint"] = fingerprint_of(manifest)
    write_manifest(folder, manifest)
    code, out, _ = cli("verify", folder)
    failed = failures(out)
    assert code == 1 and not any(line.startswith("FAIL  fingerprint:") for line in failed), out
    assert any("Word properties carry fingerprint" in line for line in failed), out
    assert any(line.startswith("FAIL  fingerprint on the summary page") for line in failed), out
    assert any(line.startswith(f"FAIL  {BOUND} pages") for line in failed), out


def granted_to_denied(path: Path) -> None:
    """GRANTED / DENIED → DENIED / DENIED in the Word file's text, every other part left as it was."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "word/document.xml":
                assert b"GRANTED" in content
                content = content.replace(b"GRANTED", b"DENIED")
            target.writestr(info, content)
    path.write_bytes(buffer.getvalue())


@pytest.mark.render
def test_word_only_packet_with_granted_changed_to_denied_fails(cli, word_only, tmp_path):
    folder = tmp_path / word_only.name
    shutil.copytree(word_only, folder)
    code, out, err = cli("verify", folder)
    assert code == 0, out + err
    order = next(p for p in sorted(folder.rglob("proposed_order.docx")))
    relative = order.relative_to(folder).as_posix()
    granted_to_denied(order)
    rewrite_hash(folder, relative)
    code, out, _ = cli("verify", folder)
    assert code == 1
    assert any(line.startswith(f"FAIL  file {relative}: has the SHA-256 recorded in manifest.json, not its "
                               "recorded content") for line in failures(out)), out
    manifest = manifest_of(folder)  # the content hash rewritten as well: the fingerprint no longer agrees
    entry(manifest, relative)["content_sha256"] = word_content_sha256(order.read_bytes(), manifest["fingerprint"])
    write_manifest(folder, manifest)
    code, out, _ = cli("verify", folder)
    assert code == 1 and [line for line in failures(out) if line.startswith("FAIL  fingerprint:")], out


@pytest.mark.render
def test_bound_filing_deleted_with_its_manifest_entry_fails(cli, copied):
    folder = copied()
    (folder / BOUND).unlink()
    manifest = manifest_of(folder)
    manifest["files"] = [f for f in manifest["files"] if f["path"] != BOUND]
    write_manifest(folder, manifest)
    code, out, _ = cli("verify", folder)
    assert code == 1
    assert any(line.startswith("FAIL  completeness: made with formats docx+pdf, but manifest.json lists no "
                               + BOUND) for line in failures(out)), out
    manifest["fingerprint"] = fingerprint_of(manifest)  # even with the fingerprint made to agree
    write_manifest(folder, manifest)
    code, out, _ = cli("verify", folder)
    assert code == 1 and any(line.startswith("FAIL  completeness") for line in failures(out)), out


@pytest.mark.render
def test_the_manifest_records_templates_and_options(samples, word_only):
    manifest = manifest_of(samples["adult-with-victim"])
    assert manifest["templates"]["source"] == "built-in" and len(manifest["templates"]["sha256"]) == 64
    assert manifest["file_mode"] == "0600" and manifest["formats"] == ["docx", "pdf"]
    assert manifest["only"] is None and manifest["redacted"] is False and manifest["as_of"]
    words = [f for f in manifest["files"] if f["path"].endswith(".docx")]
    assert words and all(len(f["content_sha256"]) == 64 for f in words)
    assert all(f["page_text_sha256"] for f in manifest["files"] if f["path"].endswith(".pdf"))
    assert manifest_of(word_only)["formats"] == ["docx"]
    assert manifest_of(word_only)["fingerprint"] != manifest["fingerprint"]  # the options are fingerprinted


# ---------------------------------------------------------------- malformed manifests (no rendering)

DEEP = "[" * 100_000 + "]" * 100_000
MALFORMED = {
    "not-json": b"{ not json",
    "not-utf8": b"\xff\xfe{}",
    "array": b"[]",
    "string": b'"manifest"',
    "number": b"12",
    "null": b"null",
    "empty-object": b"{}",
    "deeply-nested": DEEP.encode(),
    "deep-inside": ('{"case_id": ' + DEEP + "}").encode(),
}


def well_formed() -> dict:
    return {"tool": "erasure-docs", "tool_version": "0.1.0", "rules_version": "2026.12.1", "case_id": "CASE-1",
            "as_of": "2026-11-30", "input": {"file": "case.yaml", "sha256": "ab" * 32}, "formats": ["pdf"],
            "only": None, "redacted": False, "file_mode": "0600",
            "templates": {"source": "built-in", "sha256": "cd" * 32}, "fingerprint": "0123456789abcdef",
            "files": [{"path": "attorney/eligibility.json", "sha256": "ef" * 32, "pages": None}],
            "filing_sets": []}


def shaped(change) -> bytes:  # noqa: ANN001
    manifest = well_formed()
    change(manifest)
    return json.dumps(manifest).encode()


WRONG_SHAPES = {
    "files-a-string": (lambda m: m.update(files="all of them"), "files"),
    "files-of-numbers": (lambda m: m.update(files=[1, 2]), "files[0]"),
    "path-a-number": (lambda m: m["files"][0].update(path=5), "files[0].path"),
    "pages-a-string": (lambda m: m["files"][0].update(pages="2"), "files[0].pages"),
    "page-texts-a-dict": (lambda m: m["files"][0].update(page_text_sha256={"a": 1}), "files[0].page_text_sha256"),
    "input-missing": (lambda m: m.pop("input"), "input"),
    "filing-sets-a-dict": (lambda m: m.update(filing_sets={"a": 1}), "filing_sets"),
    "as-of-not-a-date": (lambda m: m.update(as_of="yesterday"), "as_of"),
    "formats-unknown": (lambda m: m.update(formats=["odt"]), "formats[0]"),
    "templates-a-list": (lambda m: m.update(templates=[]), "templates"),
    "signature-a-string": (lambda m: m.update(signature="yes"), "signature"),
}


@pytest.mark.parametrize("name", [*MALFORMED, *WRONG_SHAPES])
def test_malformed_manifest_is_a_fail_line_never_a_traceback(cli, tmp_path, name):
    folder = tmp_path / "CASE-1"
    folder.mkdir()
    data = MALFORMED[name] if name in MALFORMED else shaped(WRONG_SHAPES[name][0])
    (folder / "manifest.json").write_bytes(data)
    code, out, err = cli("verify", folder)
    assert code == 1 and "Traceback" not in out + err, out + err
    assert out.splitlines()[0].startswith("FAIL  manifest.json: cannot be read ("), out
    assert out.strip().splitlines()[-1].startswith("NOT VERIFIED")
    if name in WRONG_SHAPES:
        assert f"not the shape erasure-docs writes: {WRONG_SHAPES[name][1]}:" in out, out
    code, out, err = cli("show", folder)
    assert code == 1 and "Traceback" not in out + err and err.startswith("error: CASE-1"), out + err
    pdf = folder / "filing.pdf"  # a PDF beside it: the malformed manifest is not taken as its case folder's
    pdf.write_bytes(b"%PDF-1.7\n%%EOF\n")
    code, out, err = cli("verify", pdf, "--manifest", folder / "manifest.json")
    assert code == 1 and "Traceback" not in out + err, out + err


def test_the_well_formed_shape_is_accepted():
    from erasure_docs.verify import read_manifest

    assert read_manifest(json.dumps(well_formed()).encode())["case_id"] == "CASE-1"


# ---------------------------------------------------------------- terminal escapes

ESCAPES = "\x1b[1A\x1b[2K\x1b[32mPASS  all good\x1b[0m\x1b]0;title\x07\u202e\r"


def test_values_are_never_printed_raw(cli, tmp_path):
    folder = tmp_path / "CASE-1"
    folder.mkdir()
    manifest = well_formed()
    manifest["case_id"] = f"CASE-1{ESCAPES}"
    manifest["rules_version"] = ESCAPES
    manifest["files"][0]["path"] = f"attorney/{ESCAPES}.json"
    write_manifest(folder, manifest)
    code, out, err = cli("verify", folder)
    assert code == 1
    for text in (out, err):
        assert not any(ch in text for ch in "\x1b\x07\r\u202e"), repr(text)
    assert "\\x1b[2K" in out and "\\u202e" in out  # shown, escaped: the forgery is visible
    assert any("listed in manifest.json but missing from the folder" in line for line in failures(out)), out
    code, out, err = cli("show", folder)
    assert code == 0, err
    assert not any(ch in out + err for ch in "\x1b\x07\r\u202e") and "Packet CASE-1\\x1b[1A" in out, repr(out)


@pytest.mark.render
def test_escape_sequences_cannot_hide_a_fail_line(cli, copied):
    folder = copied()
    manifest = manifest_of(folder)
    entry(manifest, BOUND)["sha256"] = "0" * 64
    manifest["case_id"] += "\x1b[8m"  # "concealed" from here on, on a terminal that honours it
    manifest["files"][0]["path"] += "\x1b[1A\x1b[2K"  # erase the line above
    write_manifest(folder, manifest)
    eligibility = folder / "attorney" / "eligibility.json"
    report = json.loads(eligibility.read_text(encoding="utf-8"))
    report["charges"][0]["citation"] = "\x1b[2J\x1b[HVERIFIED"
    eligibility.write_text(json.dumps(report), encoding="utf-8")
    code, out, err = cli("verify", folder)
    assert code == 1 and "\x1b" not in out + err
    assert any(line.startswith(f"FAIL  file {BOUND}") for line in failures(out)), out
    code, out, err = cli("show", folder)
    assert "\x1b" not in out + err and "\\x1b[2J\\x1b[HVERIFIED" in out, out + err
