"""The Python API: everything the command line, `batch`, `verify` and the web app do, without click, without
printing and without process-wide state.

    import erasure_docs as ed

    case, problems = ed.validate("sample_cases/nolle.yaml")     # or a mapping of case-file fields
    report = ed.check(case)                                     # frozen; report.summary, report.to_json()
    renderers = ed.Renderers()                                  # costly: one per process or thread, reused
    packet = ed.build_packet(case, renderers=renderers)         # every output as bytes, plus the manifest
    folder = ed.write_packet(packet, "output/")                 # output/<case_id>/, owner-only, atomic

Every error raised on purpose is an `ErasureDocsError`, whose message is safe to print (no personal data).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from erasure_docs.errors import ErasureDocsError
from erasure_docs.files import (FILE_MODE, FolderExists, NotAPacketFolder, Written, atomic_write, is_case_folder,
                                json_bytes, made_by_hand, read_folder_manifest, refuse_to_replace, sha256,
                                write_folder)
from erasure_docs.loading import load_case_file, load_inputs
from erasure_docs.model import Case
from erasure_docs.packet import FORMATS, Packet, build, plan_documents
from erasure_docs.reading import SHEET_SUFFIXES, InputRef, LoadedCase, Problem, validate_data
from erasure_docs.redact import redact_case
from erasure_docs.render import Renderers
from erasure_docs.repack import (Repacked, RepackError, WordNotExported, is_derived, read_case_folder, repack,
                                 repack_folder as repack_case_folder)
from erasure_docs.rules.documents import TITLES
from erasure_docs.rules.engine import evaluate
from erasure_docs.signing import SigningKey, sign_files
from erasure_docs.rules.outcome import Report

__all__ = ["Case", "ErasureDocsError", "FolderExists", "InputRef", "LoadedCase", "NotAPacketFolder", "Packet",
           "PacketOptionError", "Problem", "RepackError", "Repacked", "Renderers", "Report", "WordNotExported",
           "Written", "build_packet", "check", "check_writable", "document_kinds", "load_cases", "plan_for_folder",
           "repack_folder", "validate", "work_copy", "write_case_folder", "write_packet", "write_work_copy"]

PathLike = str | Path


class PacketOptionError(ErasureDocsError):
    """An unknown format or document kind asked of build_packet."""


def validate(source: PathLike | Mapping[str, Any], *, as_of: dt.date | None = None) -> tuple[Case | None,
                                                                                           list[Problem]]:
    """One case file (.yaml, .yml, .json) or a mapping of case-file fields → (the case, []) or (None, every
    problem). `as_of` replaces the case's own as_of date: the one place it is applied."""
    if isinstance(source, Mapping):
        return validate_data(dict(source), "(data)", as_of=as_of)
    path = Path(source)
    if path.suffix.lower() in SHEET_SUFFIXES:
        return None, [Problem(str(path), "is a sheet, which can hold several cases; use load_cases")]
    loaded = load_case_file(path, as_of)
    return loaded.case, loaded.problems


def load_cases(inputs: Iterable[PathLike], *, as_of: dt.date | None = None,
               sheet: str | None = None) -> list[LoadedCase]:
    """Every case in files, folders and sheets, each with its problems, warnings and `input_ref`."""
    return load_inputs(inputs, as_of=as_of, sheet=sheet)


def check(case: Case, as_of: dt.date | None = None) -> Report:
    """The eligibility report of a valid case; `as_of` (when given) replaces the case's own date."""
    if as_of is not None and as_of != case.as_of:
        case = case.model_copy(update={"as_of": as_of})
    return evaluate(case)


def document_kinds() -> tuple[str, ...]:
    """Every document a packet can hold, as `only` names them."""
    return tuple(TITLES)


def build_packet(case: Case, *, renderers: Renderers | None = None, formats: Iterable[str] = FORMATS,
                 only: Iterable[str] | None = None, templates: PathLike | None = None,
                 input_ref: InputRef | None = None, redact: bool = False, file_mode: int = FILE_MODE) -> Packet:
    """Every output of a case's packet, in memory. `renderers`: pass the same one for every case (a new
    one is made when omitted, which costs about a second). `only`: document kinds to keep. `templates`: a
    folder of the clinic's own templates. `input_ref`: what the manifest records as the input (default: no
    file name and the SHA-256 of the case's data). `redact`: also include the redacted work copy. `file_mode`:
    the permissions the folder will be written with (recorded in the manifest; `write_packet` uses it)."""
    chosen = tuple(dict.fromkeys(formats))
    unknown = [f for f in chosen if f not in FORMATS] or ([] if chosen else ["(none)"])
    if unknown:
        raise PacketOptionError(f"unknown format {unknown[0]!r}; choose docx, pdf or both")
    wanted = set(only) if only is not None else None
    strange = sorted(wanted - set(TITLES)) if wanted else []
    if strange:
        raise PacketOptionError(f"unknown document {strange[0]!r}; choose from: {', '.join(TITLES)}")
    if input_ref is None:
        input_ref = InputRef("", sha256(case.model_dump_json().encode("utf-8")))
    report = check(case)
    renderers = renderers or Renderers()
    if templates is None:
        return build(case, report, renderers, input_ref=input_ref, formats=chosen, only=wanted or None,
                     redact=redact, file_mode=file_mode)
    # A clinic's templates render in a worker process under time and memory limits (render/sandbox.py).
    sandbox = renderers.sandbox(Path(templates))
    seconds = sandbox.limits.seconds_per_document * (len(plan_documents(report, wanted or None)) + 1)  # + summary
    packet: Packet = sandbox.call(build_in_sandbox, (case, input_ref, chosen, wanted or None, Path(templates),
                                                     redact, file_mode), seconds)
    return packet


_sandbox_renderers: Renderers | None = None  # in a sandbox worker process only


def build_in_sandbox(case: Case, input_ref: InputRef, formats: tuple[str, ...], only: set[str] | None,
                     templates: Path, redact: bool, file_mode: int = FILE_MODE) -> Packet:
    """In the sandbox worker: one case's packet with a clinic's templates (the worker's renderers are kept)."""
    global _sandbox_renderers
    if _sandbox_renderers is None:
        _sandbox_renderers = Renderers()
    return build(case, check(case), _sandbox_renderers, input_ref=input_ref, formats=formats, only=only,
                 templates=templates, redact=redact, file_mode=file_mode)


def write_packet(packet: Packet, out_dir: PathLike, *, file_mode: int | None = None, force: bool = False) -> Path:
    """Write a packet to `out_dir/<case_id>/`, whole or not at all; returns the folder. See write_case_folder."""
    return write_case_folder(packet, out_dir, file_mode=file_mode, force=force).folder


def write_case_folder(packet: Packet, out_dir: PathLike, *, file_mode: int | None = None, force: bool = False,
                      redo: Iterable[str] | None = None, renderers: Renderers | None = None,
                      sign: SigningKey | None = None) -> Written:
    """Write a packet to `out_dir/<case_id>/`, whole or not at all. Files get the file mode the manifest records
    (`build_packet(file_mode=…)`) exactly; folders the same plus the search bit; `file_mode`, when given, must be
    that one. `sign`: the folder is signed as written (signing.py). An existing case folder is never overwritten
    unless `force`
    (FolderExists), and a folder of that name erasure-docs did not make never (NotAPacketFolder). With
    `force`, files of the old folder edited or added by a person are kept: the old folder is renamed to
    `<case_id>~kept-<time>` (Written.backup) and Written.kept names them.

    `redo` (`generate --only`): the document kinds this packet redoes in an existing case folder. The folder
    keeps everything else: each document a person edited is carried over and recorded as edited (the bound
    sets and the attorney's copy are bound again with it, repack.py), files a person added stay. A redone
    document that was edited needs `force` (the old folder is then kept). Build the packet with
    `plan_for_folder`'s documents and formats."""
    recorded = int(packet.manifest.get("file_mode", f"{FILE_MODE:o}"), 8)
    if file_mode is not None and file_mode != recorded:
        raise PacketOptionError(f"the packet records file mode {recorded:04o}, not {file_mode:04o}; "
                                "pass file_mode to build_packet")
    target = Path(out_dir) / packet.case_id
    files, manifest = packet.files, packet.manifest
    edited: tuple[str, ...] = ()
    unexported: tuple[str, ...] = ()
    if redo is not None and is_case_folder(target):
        merged = merge_into_folder(packet, target, set(redo), force, renderers)
        files, manifest, edited, unexported = merged.files, merged.manifest, merged.edited, merged.unexported
        force = True  # whatever the merged folder does not hold as it was is kept aside by write_folder
    if sign is not None:
        files, manifest = sign_files(files, manifest, sign)
    written = write_folder(Path(out_dir), packet.case_id, files, recorded, replace=force)
    return written._replace(edited=edited, unexported=unexported)


def plan_for_folder(out_dir: PathLike, case_id: str, only: Iterable[str],
                    formats: Iterable[str]) -> tuple[set[str] | None, tuple[str, ...]]:
    """`generate --only` into an existing case folder: the documents and formats to build so that the folder
    keeps all it holds (None: every document)."""
    manifest = read_folder_manifest(Path(out_dir) / case_id)
    wanted, chosen = set(only), tuple(formats)
    if manifest is None or manifest.get("case_id") != case_id:
        return wanted, chosen
    before = manifest.get("only")
    documents = None if before is None else wanted | {str(k) for k in before}
    recorded = [f for f in manifest.get("formats", []) if f in FORMATS]
    return documents, tuple(f for f in FORMATS if f in chosen or f in recorded)


def merge_into_folder(packet: Packet, folder: Path, redo: set[str], force: bool,
                      renderers: Renderers | None) -> Repacked:
    old, _ = read_case_folder(folder)
    by_hand = made_by_hand(folder)
    redone = [p for p in by_hand if p in packet.files and document_kind(p) in redo]
    if redone and not force:
        raise FolderExists(f"{folder.name}: {len(redone)} of the files --only redoes were edited after generation "
                           f"({', '.join(redone[:6])}); nothing was written. Add --force to redo them (the old "
                           "folder is then kept beside the new one)")
    files = dict(packet.files)
    files.update({p: old[p] for p in by_hand if p in packet.files and document_kind(p) not in redo
                  and not is_derived(p, packet.manifest)})
    merged = repack(files, packet.manifest, renderers=renderers, allow_unexported=True)
    listed = {str(e.get("path")) for e in packet.manifest["files"]}
    added = {p: old[p] for p in by_hand if p not in listed and p not in packet.files}
    return Repacked({**merged.files, **added}, merged.manifest, merged.edited, merged.rebuilt, (),
                    merged.unexported)


def document_kind(path: str) -> str:
    """'filings/ga-14-hartford/H14H-CR15-1/application_54_95c.pdf' → 'application_54_95c'."""
    name = path.rsplit("/", 1)[-1].split(".", 1)[0]
    return name.split("-", 1)[0]


def repack_folder(folder: PathLike, *, renderers: Renderers | None = None, convert_word: bool = False,
                  sign: SigningKey | None = None) -> Repacked:
    """`erasure-docs repack`: record the documents edited after generation in a case folder and bind its filing
    sets and attorney's copy again from its documents' PDFs (repack.py). `convert_word`: make the PDF of an
    edited Word file with LibreOffice (else WordNotExported names the PDFs to export). The folder is written
    again whole or not at all; `sign`: and signed (signing.py)."""
    repacked, _ = repack_case_folder(Path(folder), renderers=renderers, convert_word=convert_word, sign=sign)
    return repacked


def check_writable(out_dir: PathLike, case_id: str, *, force: bool = False) -> None:
    """Raise what write_case_folder would raise for this case before anything is rendered: FolderExists,
    NotAPacketFolder."""
    refuse_to_replace(Path(out_dir) / case_id, force)


def work_copy(case: Case, report: Report) -> dict[str, Any]:
    """The redacted work copy: the case without personal data, and its eligibility report."""
    return {"case": redact_case(case), "eligibility": report.to_json()}


def write_work_copy(case: Case, report: Report, out_dir: PathLike, *, file_mode: int = FILE_MODE) -> Path:
    """`check --redact`: the work copy as out_dir/<case_id>.redacted.json."""
    return atomic_write(Path(out_dir) / f"{case.case_id}.redacted.json", json_bytes(work_copy(case, report)),
                        file_mode)

