"""Signed filings: `--sign KEYFILE` on `generate`, `batch` and `repack` (`sign_files`, called by
`api.write_case_folder` and `repack.repack_folder` as they write a case folder).

With a PKCS#12 key file (.p12/.pfx: a private key and its certificate), the packet is signed twice over:
  - each court's bound filing.pdf gets a PAdES signature (pyHanko): an invisible signature field, added as an
    incremental update, so the pages, their text, the PDF/A metadata and the "nothing attached" rule are those
    of the rendered file, and the signature covers the whole file;
  - manifest.json gets a detached CMS signature (SHA-256) over its exact bytes, in `manifest.json.p7s` beside
    it. The manifest records every file's SHA-256 and page texts, so this one signature covers the folder.
The manifest records, for each signed PDF, the SHA-256 and length of the file as rendered (`signed`), and
under `signature` the certificate's subject and SHA-256. The fingerprint is taken of the packet as rendered,
so it is the same signed or not.

A signature says that whoever holds the key signed these bytes and that nothing changed since. Whether the
certificate is the attorney's is for the reader to establish (its SHA-256 is printed); nothing is fetched to
check revocation or a chain of trust.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import functools
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from erasure_docs.errors import ErasureDocsError
from erasure_docs.files import json_bytes, sha256
from erasure_docs.packet import MANIFEST

SIGNATURE = f"{MANIFEST}.p7s"
PASSPHRASE_VARIABLE = "ERASURE_DOCS_SIGN_PASSPHRASE"
KEY_LIMIT = 1024 * 1024  # a PKCS#12 file is a few kilobytes
FIELD_NAME = "erasure-docs-signature"


class SigningError(ErasureDocsError):
    """The key file cannot be used (unreadable, not PKCS#12, wrong passphrase); the message never quotes it."""


@dataclass(frozen=True)
class SigningKey:
    """A PKCS#12 file's bytes and its passphrase: small and picklable, so that each batch worker loads it once."""

    data: bytes = field(repr=False)
    passphrase: bytes | None = field(repr=False)
    name: str  # the key file's name, for messages


@dataclass(frozen=True)
class SignatureStatus:
    ok: bool
    subject: str = ""
    certificate_sha256: str = ""
    why: str = ""


def read_key(path: Path, passphrase: str | None) -> SigningKey:
    """The key in a PKCS#12 file, checked now (so a wrong passphrase stops a run before anything renders)."""
    try:
        with path.open("rb") as handle:
            data = handle.read(KEY_LIMIT + 1)
    except OSError as exc:
        raise SigningError(f"the key file {path.name} cannot be read ({exc.strerror or type(exc).__name__})") from None
    if len(data) > KEY_LIMIT:
        raise SigningError(f"the key file {path.name} is too large for a PKCS#12 key file")
    key = SigningKey(data, passphrase.encode("utf-8") if passphrase else None, path.name)
    _signer(key)
    return key


@functools.lru_cache(maxsize=4)
def _signer(key: SigningKey) -> Any:
    """pyHanko's signer for a key (loaded once per process)."""
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko.sign.signers import SimpleSigner

    try:
        private_key, certificate, _ = pkcs12.load_key_and_certificates(key.data, key.passphrase)
    except Exception:  # noqa: BLE001 - cryptography says nothing we may print: wrong passphrase or not PKCS#12
        raise SigningError(f"the key file {key.name} cannot be opened: wrong passphrase, or not a PKCS#12 "
                           "(.p12/.pfx) file") from None
    if private_key is None or certificate is None:
        raise SigningError(f"the key file {key.name} holds no private key with its certificate")
    try:
        return SimpleSigner.load_pkcs12_data(key.data, other_certs=[], passphrase=key.passphrase)
    except Exception:  # noqa: BLE001
        raise SigningError(f"the key file {key.name} holds a key erasure-docs cannot sign with") from None


def certificate_subject(certificate: Any) -> str:
    """'Common Name: Jane Doe, Organization: Clinic' (asn1crypto's readable form)."""
    return str(certificate.subject.human_friendly)


def sign_pdf(data: bytes, key: SigningKey) -> bytes:
    """A PAdES signature over the whole PDF, appended as an incremental update (the rendered bytes stay a prefix)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    meta = signers.PdfSignatureMetadata(field_name=FIELD_NAME, md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES)
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    _same_producer(writer)
    return bytes(signers.sign_pdf(writer, meta, signer=_signer(key)).getvalue())


def _same_producer(writer: Any) -> None:
    """PDF/A wants the document information and the XMP metadata to agree; pyHanko writes its own name as the
    XMP producer, so the information dictionary says the same (it would otherwise append it to WeasyPrint's)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.metadata.model import VENDOR

    reference = writer.trailer.raw_get("/Info") if "/Info" in writer.trailer else None
    if isinstance(reference, generic.IndirectObject):
        reference.get_object()["/Producer"] = generic.TextStringObject(VENDOR)
        writer.mark_update(reference)


def sign_bytes(data: bytes, key: SigningKey) -> bytes:
    """A detached CMS signature (DER) over `data`."""
    signed = asyncio.run(_signer(key).async_sign_general_data(data, "sha256", detached=True))
    return bytes(signed.dump())


def unsigned_view(manifest: dict[str, Any]) -> dict[str, Any]:
    """The manifest as it was before signing: no `signature`, and each signed file as rendered."""
    view = copy.deepcopy({key: value for key, value in manifest.items() if key != "signature"})
    for entry in view.get("files", []):
        signed = entry.pop("signed", None) if isinstance(entry, dict) else None
        if isinstance(signed, dict):
            entry["sha256"] = signed.get("rendered_sha256")
    return view


def sign_files(files: dict[str, bytes], manifest: dict[str, Any],
               key: SigningKey) -> tuple[dict[str, bytes], dict[str, Any]]:
    """A case folder's files and manifest, signed: every bound filing.pdf the manifest lists (one signed before
    is signed again over the bytes it was rendered as), then manifest.json (into manifest.json.p7s)."""
    files = dict(files)
    manifest = copy.deepcopy({k: v for k, v in manifest.items() if k != "signature"})
    entries = {entry["path"]: entry for entry in manifest["files"]}
    signed_paths = []
    for filing in manifest.get("filing_sets", []):
        path = filing["bound"]
        entry = entries.get(path)
        if entry is None or path not in files:
            continue
        rendered = rendered_bytes(files[path], entry)
        if rendered is None:
            raise SigningError(f"{path} is not the file its manifest records; it cannot be signed")
        files[path] = sign_pdf(rendered, key)
        entry["signed"] = {"rendered_sha256": sha256(rendered), "rendered_bytes": len(rendered)}
        entry["sha256"] = sha256(files[path])
        signed_paths.append(path)
    certificate = _signer(key).signing_cert
    manifest["signature"] = {"file": SIGNATURE, "format": "CMS (PKCS #7) detached signature, SHA-256, over the bytes "
                             "of manifest.json", "pdf": "PAdES (ETSI.CAdES.detached) in each file listed here",
                             "signed_pdfs": signed_paths, "subject": certificate_subject(certificate),
                             "certificate_sha256": sha256(certificate.dump())}
    files[MANIFEST] = json_bytes(manifest)
    files[SIGNATURE] = sign_bytes(files[MANIFEST], key)
    return files, manifest


def rendered_bytes(data: bytes, entry: dict[str, Any]) -> bytes | None:
    """The file as rendered: the file itself, or for a signed one the bytes its signature was added to."""
    signed = entry.get("signed")
    if isinstance(signed, dict) and sha256(data) == entry["sha256"]:
        prefix = data[:signed["rendered_bytes"]]
        return prefix if sha256(prefix) == signed["rendered_sha256"] else None
    return data if sha256(data) == entry["sha256"] else None


# ---------------------------------------------------------------- checking (verify.py reports)

def _context(certificate: Any) -> Any:
    """A validation context that trusts the signer's own certificate and fetches nothing: what is checked is
    that the signature is intact and made with that certificate's key, not who vouches for the certificate."""
    from pyhanko_certvalidator import ValidationContext

    return ValidationContext(trust_roots=[certificate], allow_fetching=False)


def check_detached(data: bytes, signature: bytes) -> SignatureStatus:
    """A detached CMS signature over `data`."""
    from asn1crypto import cms
    from pyhanko.sign.validation.generic_cms import async_validate_detached_cms

    try:
        content = cms.ContentInfo.load(signature)
        signed_data = content["content"]
        certificate = next(c.chosen for c in signed_data["certificates"] if c.name == "certificate")
        status = asyncio.run(async_validate_detached_cms(data, signed_data, _context(certificate)))
    except Exception as exc:  # noqa: BLE001 - a damaged or foreign signature file
        return SignatureStatus(False, why=f"cannot be read as a CMS signature ({type(exc).__name__})")
    return _status(status, intact_why="manifest.json changed after it was signed")


def check_pdf(data: bytes) -> SignatureStatus:
    """The one signature of a signed filing.pdf, which must cover the whole file."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
        if len(signatures) != 1:
            return SignatureStatus(False, why=f"carries {len(signatures)} signatures, not one")
        embedded = signatures[0]
        status = validate_pdf_signature(embedded, _context(embedded.signer_cert))
    except SignatureValidationError as exc:
        return SignatureStatus(False, why=f"its signature does not hold ({type(exc).__name__})")
    except Exception as exc:  # noqa: BLE001 - a damaged PDF
        return SignatureStatus(False, why=f"its signature cannot be read ({type(exc).__name__})")
    if status.coverage is not SignatureCoverageLevel.ENTIRE_FILE:
        return dataclasses.replace(_status(status, "the file changed after it was signed"), ok=False,
                                   why="the file was changed after it was signed (its signature no longer "
                                       "covers the whole file)")
    return _status(status, intact_why="the file changed after it was signed")


def _status(status: Any, intact_why: str) -> SignatureStatus:
    certificate = status.signing_cert
    subject, fingerprint = certificate_subject(certificate), sha256(certificate.dump())
    if not status.intact:
        return SignatureStatus(False, subject, fingerprint, intact_why)
    if not status.valid:
        return SignatureStatus(False, subject, fingerprint, "the signature does not match its certificate's key")
    return SignatureStatus(True, subject, fingerprint)
