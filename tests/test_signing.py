"""Signed filings (`--sign KEYFILE`), through the real CLI with a throwaway key and certificate: the bound filings
(PAdES) and manifest.json (manifest.json.p7s) are signed, `verify` names the signer; one byte, one page, an update
appended after signing, a re-saved manifest or a removed signature record fails; the signed filings keep the
rules of a filed PDF; a wrong passphrase or an unreadable key is one clear line. The signed packet is made once."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from erasure_docs.cli import main
from erasure_docs.signing import PASSPHRASE_VARIABLE, SIGNATURE
from tests.textextract import SAMPLES, case_id_of

PASSPHRASE = "correct horse battery staple"
SIGNER = "Common Name: Test Attorney"
SAMPLE = SAMPLES / "adult-prostitution.yaml"  # two courts: two bound filings
BOUND = ("filings/ga-23-new-haven/filing.pdf", "filings/ga-7-meriden/filing.pdf")


def make_key(path: Path, passphrase: str = PASSPHRASE) -> Path:
    """A throwaway PKCS#12 file: an EC key and a self-signed certificate for "Test Attorney"."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test Attorney"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test Clinic")])
    now = dt.datetime.now(dt.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
                   .not_valid_after(now + dt.timedelta(days=30))
                   .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False),
                                  critical=True)
                   .sign(key, hashes.SHA256()))
    encryption = serialization.BestAvailableEncryption(passphrase.encode())
    path.write_bytes(pkcs12.serialize_key_and_certificates(b"test", key, certificate, None, encryption))
    return path


def run(*args: str | Path, passphrase: str | None = PASSPHRASE) -> tuple[int, str, str]:
    env = {PASSPHRASE_VARIABLE: passphrase} if passphrase is not None else {}
    result = CliRunner(env=env).invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def failures(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("FAIL  ")]


@pytest.fixture(scope="module")
def key_file(tmp_path_factory) -> Path:
    return make_key(tmp_path_factory.mktemp("key") / "attorney.p12")


@pytest.fixture(scope="module")
def signed(tmp_path_factory, key_file) -> Path:
    """The sample's packet, made by `batch` (a worker process signs it) with --sign."""
    out = tmp_path_factory.mktemp("signed")
    code, stdout, stderr = run("batch", SAMPLE, "--out", out, "--workers", "1", "--quiet", "--sign", key_file)
    assert code == 0, stdout + stderr
    return out / case_id_of(SAMPLE)


@pytest.fixture
def copied(signed, tmp_path) -> Path:
    target = tmp_path / signed.name
    shutil.copytree(signed, target)
    return target


# ---------------------------------------------------------------- signed, verified, signer named

@pytest.mark.render
def test_signed_packet_verifies_and_names_the_signer(signed):
    assert (signed / SIGNATURE).is_file()
    manifest = json.loads((signed / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["signature"]["signed_pdfs"] == list(BOUND) and SIGNER in manifest["signature"]["subject"]
    code, out, err = run("verify", signed)
    assert code == 0, out + err
    assert f"PASS  manifest.json is signed by Organization: Test Clinic, {SIGNER}" in out
    for path in BOUND:
        assert f"PASS  {path} is signed by Organization: Test Clinic, {SIGNER} (PAdES)" in out
    assert out.strip().splitlines()[-1].startswith("VERIFIED: all ") and SIGNER in out.strip().splitlines()[-1]
    code, out, err = run("verify", signed / BOUND[1])  # one filing, in its folder
    assert code == 0 and f"{BOUND[1]} is signed by" in out, out + err
    code, out, err = run("show", signed)
    assert code == 0 and f"  signed by      Organization: Test Clinic, {SIGNER}" in out, out + err


@pytest.mark.render
def test_signed_filings_keep_the_rules_of_a_filed_pdf(signed):
    manifest = json.loads((signed / "manifest.json").read_text(encoding="utf-8"))
    for path in BOUND:
        reader = pypdf.PdfReader(signed / path)
        assert not reader.attachments, path
        root = reader.trailer["/Root"]
        assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"], path
        xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
        assert re.search(r'pdfaid:part(="|>)2', xmp) and re.search(r'pdfaid:conformance(="|>)A', xmp), path
        producer = re.search(r'pdf:Producer(?:="|>)([^"<]*)', xmp)
        assert producer and reader.metadata["/Producer"] == producer.group(1), path  # Info and XMP agree
        entry = next(f for f in manifest["files"] if f["path"] == path)
        rendered = (signed / path).read_bytes()[:entry["signed"]["rendered_bytes"]]
        assert pypdf.PdfReader(io.BytesIO(rendered)).pages  # the file as rendered is the signed file's start


@pytest.mark.render
def test_signed_packet_against_its_case_file(signed):
    code, out, err = run("verify", signed, "--case", SAMPLE)
    assert code == 0, out + err
    assert "(each signed filing: the bytes it was signed over)" in out


@pytest.mark.render
def test_word_only_packet_signs_its_manifest(tmp_path, key_file):
    code, out, err = run("generate", SAMPLE, "--out", tmp_path, "--format", "docx", "--sign", key_file)
    assert code == 0, out + err
    code, out, err = run("verify", tmp_path / case_id_of(SAMPLE))
    assert code == 0 and f"PASS  manifest.json is signed by Organization: Test Clinic, {SIGNER}" in out, out + err


# ---------------------------------------------------------------- tampering after signing

@pytest.mark.render
def test_one_byte_changed_in_a_signed_filing_fails(copied):
    target = copied / BOUND[0]
    data = bytearray(target.read_bytes())
    at = data.index(b"stream\n", len(data) // 3) + len(b"stream\n") + 20  # inside a page, in the signed part
    data[at] ^= 0x01
    target.write_bytes(bytes(data))
    code, out, _ = run("verify", copied)
    assert code == 1
    assert f"FAIL  file {BOUND[0]}: the file changed after it was signed" in out, out
    assert any(line.startswith(f"FAIL  file {BOUND[0]}: SHA-256 differs") for line in failures(out)), out
    assert "signed by" not in out.strip().splitlines()[-1]


@pytest.mark.render
def test_one_page_replaced_in_a_signed_filing_fails(copied):
    target = copied / BOUND[0]
    reader = pypdf.PdfReader(io.BytesIO(target.read_bytes()))
    writer = pypdf.PdfWriter()
    for number, page in enumerate(reader.pages):
        writer.add_page(reader.pages[0] if number == 1 else page)
    with target.open("wb") as handle:
        writer.write(handle)
    code, out, _ = run("verify", copied)
    assert code == 1 and "page 2 is not the recorded page 2" in out, out
    assert any(line.startswith(f"FAIL  file {BOUND[0]}: ") and "signature" in line for line in failures(out)), out


@pytest.mark.render
def test_update_appended_after_signing_fails(copied):
    target = copied / BOUND[1]
    writer = pypdf.PdfWriter(io.BytesIO(target.read_bytes()), incremental=True)
    writer.add_metadata({"/Title": "Something else"})
    appended = io.BytesIO()
    writer.write(appended)
    assert appended.getvalue().startswith(target.read_bytes())
    target.write_bytes(appended.getvalue())
    code, out, _ = run("verify", copied)
    assert code == 1
    assert f"FAIL  file {BOUND[1]}: the file was changed after it was signed" in out, out


@pytest.mark.render
def test_manifest_saved_again_after_signing_fails(copied):
    manifest = copied / "manifest.json"
    manifest.write_bytes(manifest.read_bytes().replace(b'"case_id":', b'"case_id" :', 1))  # same JSON, other bytes
    code, out, _ = run("verify", copied)
    assert code == 1
    assert failures(out) == [f"FAIL  {SIGNATURE}: manifest.json changed after it was signed"], out


@pytest.mark.render
def test_signature_record_removed_fails(copied):
    manifest = json.loads((copied / "manifest.json").read_text(encoding="utf-8"))
    del manifest["signature"]
    (copied / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (copied / SIGNATURE).unlink()
    code, out, _ = run("verify", copied)
    assert code == 1
    for path in BOUND:
        assert f"FAIL  file {path}: carries a signature that manifest.json does not record" in out, out


# ---------------------------------------------------------------- a key that cannot be used (no rendering)

@pytest.mark.parametrize("command", ["generate", "batch"])
def test_wrong_passphrase_is_one_clear_line(tmp_path, key_file, command):
    wrong = "hunter2-not-it"
    code, out, err = run(command, SAMPLE, "--out", tmp_path / "out", "--sign", key_file, passphrase=wrong)
    assert code == 2, out + err
    assert err.strip() == "error: the key file attorney.p12 cannot be opened: wrong passphrase, or not a PKCS#12 " \
                          "(.p12/.pfx) file"
    assert wrong not in out + err and "Traceback" not in out + err
    assert not (tmp_path / "out").exists()


def test_unreadable_key_is_one_clear_line(tmp_path):
    garbage = tmp_path / "key.p12"
    garbage.write_bytes(b"-----BEGIN NOTHING-----\n" * 4)
    code, out, err = run("generate", SAMPLE, "--out", tmp_path / "out", "--sign", garbage)
    assert code == 2 and "cannot be opened: wrong passphrase, or not a PKCS#12" in err and "Traceback" not in err
    code, out, err = run("generate", SAMPLE, "--out", tmp_path / "out", "--sign", tmp_path / "missing.p12")
    assert code == 2 and err.startswith("error: the key file missing.p12 cannot be read") and "Traceback" not in err
    code, out, err = run("generate", SAMPLE, "--out", tmp_path / "out", "--sign", garbage, passphrase=None)
    assert code == 2 and PASSPHRASE_VARIABLE in err  # no terminal to ask on: says where to give it
    assert not (tmp_path / "out").exists()


@pytest.mark.render
def test_repack_signs_again(copied, key_file):
    document = copied / "filings" / "ga-7-meriden"
    edited = next(p for p in sorted(document.rglob("proposed_order.pdf")))
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(edited))
    writer.add_metadata({"/Title": "Proposed order, edited"})  # as an attorney's export from Word would differ
    buffer = io.BytesIO()
    writer.write(buffer)
    edited.write_bytes(buffer.getvalue())
    code, out, err = run("repack", copied)  # without --sign: the old signature no longer covers the manifest
    assert code == 0, out + err
    code, out, _ = run("verify", copied)
    assert code == 1 and f"FAIL  {SIGNATURE}: manifest.json changed after it was signed" in out, out
    code, out, err = run("repack", copied, "--sign", key_file)
    assert code == 0, out + err
    code, out, err = run("verify", copied)
    assert code == 0, out + err
    relative = edited.relative_to(copied).as_posix()
    assert f"PASS  file {relative}: edited after generation by the preparer" in out
    assert f"PASS  {BOUND[1]} is signed by Organization: Test Clinic, {SIGNER}" in out
    assert SIGNER in out.strip().splitlines()[-1]
    binder = pypdf.PdfReader(copied / "attorney" / "attorney-copy.pdf")  # bound again from the signed filings
    fields = [a.get_object() for page in binder.pages for a in page.get("/Annots", [])]
    assert not [f for f in fields if f.get("/FT") == "/Sig"]  # a signature stays in the file it signs
