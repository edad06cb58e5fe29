"""The `erasure-docs` command line.

One click group; each command is a thin layer over a module that does the work. Heavy modules (the
renderers) are imported inside the commands that need them, so `validate`, `check` and `--help` stay fast.
Exit status everywhere: 0 done, 1 some input was invalid or some case failed, 2 usage.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import click

from erasure_docs import __version__, api
from erasure_docs.errors import DEBUG_VARIABLE, ErasureDocsError, debug_requested, safe_message
from erasure_docs.files import dir_mode, file_mode_for_umask, files_word, listing, make_folder, remove_if_empty
from erasure_docs.loading import iter_inputs
from erasure_docs.reading import LoadedCase, printable_path

if TYPE_CHECKING:
    from erasure_docs.batch import CaseRow
    from erasure_docs.signing import SigningKey

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class AsOfDate(click.ParamType):
    name = "DATE"

    def convert(self, value, param, ctx):  # type: ignore[override]
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not a date; write YYYY-MM-DD", param, ctx)


AS_OF = click.option("--as-of", type=AsOfDate(), default=None,
                     help="Apply the law as of this date (YYYY-MM-DD) instead of each case's as_of.")


class Umask(click.ParamType):
    name = "UMASK"

    def convert(self, value, param, ctx):  # type: ignore[override]
        try:
            mask = int(str(value), 8)
        except ValueError:
            self.fail(f"{value!r} is not an octal umask such as 077 or 027", param, ctx)
        # What is written holds personal data: the owner keeps full access, a group may be let in (027), and
        # others never are (022 or 000 would make every filing readable by every account on the machine).
        if not 0 <= mask <= 0o777 or mask & 0o700 or mask & 0o007 != 0o007:
            self.fail("the umask must keep the owner's access and give others none (e.g. 077, or 027 for a "
                      "group); the files hold personal data", param, ctx)
        return mask


def warn_if_stale(_context: click.Context, _param: click.Parameter, folder: Path | None) -> Path | None:
    """A clinic's folder whose built templates are not what its sources say is used, with a warning."""
    if folder is not None:
        from erasure_docs.custom_templates import stale

        for reason in stale(folder):
            click.echo(f"warning: {folder}: {reason}; run `erasure-docs templates build` and "
                       "`erasure-docs templates check` on it", err=True)
    return folder


TEMPLATES = click.option("--templates", "custom_templates", type=click.Path(path_type=Path, file_okay=False,
                                                                             exists=True), callback=warn_if_stale,
                         help="A folder of your own templates (see `templates export`); built-in ones fill gaps.")
UMASK = click.option("--umask", type=Umask(), default="077", show_default=True,
                     help="Permissions of what is written: 077 gives files 0600 and folders 0700.")
FORCE = click.option("--force", is_flag=True,
                     help="Replace a case folder that exists. Files edited or added since it was made are never "
                          "lost: the old folder is then kept beside the new one as <case_id>~kept-<time>.")
REDACT = click.option("--redact", is_flag=True,
                      help="Also write a redacted work copy of each case (initials, birth year; no addresses, "
                           "victims or narrative) for co-counsel or a bug report.")


SIGN = click.option("--sign", "sign_key", type=click.Path(path_type=Path, dir_okay=False),
                    help="Sign each bound filing.pdf (PAdES) and manifest.json with this PKCS#12 key file (.p12/.pfx); "
                         "the passphrase is asked for, or read from ERASURE_DOCS_SIGN_PASSPHRASE.")


def signing_key(path: Path | None) -> SigningKey | None:
    """--sign: the key, opened now (a wrong passphrase stops the run before anything renders; exit status 2)."""
    if path is None:
        return None
    from erasure_docs.signing import PASSPHRASE_VARIABLE, SigningError, read_key

    passphrase = os.environ.get(PASSPHRASE_VARIABLE)
    if passphrase is None and sys.stdin.isatty():
        passphrase = click.prompt(f"Passphrase for {path.name}", hide_input=True, default="", show_default=False)
    try:
        return read_key(path, passphrase)
    except SigningError as exc:
        hint = "" if passphrase is not None else f" (give the passphrase in {PASSPHRASE_VARIABLE})"
        click.echo(f"error: {exc}{hint}", err=True)
        sys.exit(2)


def debugging() -> bool:
    """--debug on the command line, or ERASURE_DOCS_DEBUG=1: show tracebacks."""
    context = click.get_current_context(silent=True)
    root = context.find_root() if context else None
    return bool(root and root.params.get("debug")) or debug_requested()


def show_traceback() -> None:
    if debugging():
        click.echo(traceback.format_exc().rstrip(), err=True)


class GuardedGroup(click.Group):
    """An unexpected exception prints one safe line (its class name, never its message, which could quote a
    person's data), not a traceback; --debug shows the traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit,
                KeyboardInterrupt):
            raise
        except Exception as exc:
            if debugging():
                raise
            click.echo(f"error: {safe_message(exc, 'inside erasure-docs')}; run with --debug (or "
                       f"{DEBUG_VARIABLE}=1) to see the traceback", err=True)
            sys.exit(1)


@click.group(cls=GuardedGroup, context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="erasure-docs")
@click.option("--debug", is_flag=True, help=f"Show the traceback of an unexpected error (also: {DEBUG_VARIABLE}=1).")
def main(debug: bool) -> None:
    """Prepare Connecticut filings that erase or vacate the records of survivors of human trafficking.

    \b
    Typical use:
      erasure-docs validate sample_cases/
      erasure-docs check sample_cases/adult-prostitution.yaml
      erasure-docs generate sample_cases/adult-prostitution.yaml --out output/

    Every document is a draft for a lawyer's review.
    """


def report_problems(cases: list[LoadedCase]) -> int:
    """Print every problem and warning to stderr; return how many inputs failed."""
    failed = 0
    for item in cases:
        for problem in item.problems:
            click.echo(f"error: {problem}", err=True)
        for warning in item.warnings:
            click.echo(f"warning: {warning}", err=True)
        failed += not item.ok
    return failed


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--sheet", help="For .xlsx input: the sheet to read (default: the first).")
def validate(inputs: tuple[Path, ...], sheet: str | None) -> None:
    """Check case files against the case-file format and report every problem.

    INPUTS are case files (.yaml, .yml, .json), batch sheets (.csv, .xlsx) or folders of them.
    Exit status 0 when every case is valid, 1 when any is not.

    \b
    Example:
      erasure-docs validate sample_cases/
      erasure-docs validate clinic-day.csv
    """
    valid = invalid = unreadable = 0
    for item in iter_inputs(inputs, sheet=sheet):  # one case at a time: a big sheet is never held whole
        report_problems([item])
        valid += item.ok
        unreadable += item.unreadable
        invalid += not item.ok and not item.unreadable
    read = valid + invalid
    text = f"{valid} valid, {invalid} invalid ({read} case{'s' if read != 1 else ''} read)"
    if unreadable:
        text += f"; {unreadable} input{'s' if unreadable != 1 else ''} could not be read"
    click.echo(text)
    sys.exit(1 if invalid or unreadable else 0)


@main.command()
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
def workbook(path: Path) -> None:
    """Write an empty intake workbook (.xlsx) for a clinic to fill in, then `validate` and `batch` it.

    Sheets Cases (one row a person), Records (a docket), Charges, Victims and Evidence, joined by case
    id and docket number; drop-downs for every choice (dispositions, courts from the court directory,
    evidence kinds, yes/no), date and text columns, a comment on every header, and an Instructions sheet.
    Long accounts can go in narratives/<case id>.txt beside the workbook. Never overwrites a file.

    \b
    Example:
      erasure-docs workbook clinic-day.xlsx
      erasure-docs validate clinic-day.xlsx
      erasure-docs batch clinic-day.xlsx --out packets/
    """
    from erasure_docs.workbook import write_workbook

    if path.suffix.lower() != ".xlsx":
        raise click.BadParameter("the workbook's name must end in .xlsx", param_hint="PATH")
    try:
        written = write_workbook(path)
    except (FileExistsError, OSError) as exc:
        click.echo(f"error: {exc if isinstance(exc, FileExistsError) else exc.strerror}", err=True)
        sys.exit(1)
    click.echo(f"intake workbook written to {written}; fill it in, then: erasure-docs validate {written}")


@main.command()
@click.option("--indent", default=2, show_default=True, help="JSON indentation.")
def schema(indent: int) -> None:
    """Print the JSON Schema of the case file, for editors that validate YAML.

    \b
    Example:
      erasure-docs schema > case-file.schema.json
      # then, in a YAML file: # yaml-language-server: $schema=case-file.schema.json
    """
    from erasure_docs.model import Case

    document = Case.model_json_schema(mode="validation")
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = "erasure-docs case file (format 1)"
    click.echo(json.dumps(document, indent=indent, ensure_ascii=False))


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@AS_OF
@click.option("--json", "as_json", is_flag=True, help="Print the eligibility report as JSON.")
@click.option("--sheet", help="For .xlsx input: the sheet to read (default: the first).")
@REDACT
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("output"), show_default=True,
              help="With --redact: the folder that receives <case_id>.redacted.json.")
@UMASK
def check(inputs: tuple[Path, ...], as_of: dt.date | None, as_json: bool, sheet: str | None, redact: bool,
          out_dir: Path, umask: int) -> None:
    """Decide, with reasons and statute citations, which charges qualify and under which pathway.

    Prints a table per case, or with --json the eligibility report (one JSON document for one case, a
    JSON array for several). Exit status 0 when every case was read and judged, 1 when any input could
    not be read or is invalid (errors go to stderr), 2 for bad usage.

    \b
    Example:
      erasure-docs check sample_cases/adult-prostitution.yaml
      erasure-docs check sample_cases/*.yaml --as-of 2026-12-01 --json
    """
    from erasure_docs.rules.display import report_table

    cases = api.load_cases(inputs, as_of=as_of, sheet=sheet)  # as_of is applied here, once
    failed = report_problems(cases)
    judged = [(item.case, api.check(item.case)) for item in cases if item.case]
    reports = [report for _, report in judged]
    if redact:
        for case, report in judged:
            path = api.write_work_copy(case, report, out_dir, file_mode=file_mode_for_umask(umask))
            click.echo(f"redacted work copy: {path}", err=True)
    if as_json:
        documents = [r.to_json() for r in reports]
        if documents:
            click.echo(json.dumps(documents[0] if len(cases) == 1 else documents, indent=2, ensure_ascii=False))
    else:
        click.echo("\n\n".join(report_table(r) for r in reports))
    sys.exit(1 if failed else 0)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the tables and rules as JSON.")
def rules(as_json: bool) -> None:
    """Print the statute tables and the rules, with their sources — what counsel reviews.

    The tables are YAML files in erasure_docs/law/; each row says where its class comes from and
    whether it has been verified against the statute text.

    \b
    Example:
      erasure-docs rules | less
      erasure-docs rules --json > rules.json
    """
    from dataclasses import asdict

    from erasure_docs.rules.display import tables_text
    from erasure_docs.rules.engine import RULES
    from erasure_docs.rules.tables import load_tables

    tables = load_tables()
    if not as_json:
        click.echo(tables_text(tables, RULES))
        return

    def offense(row):
        data = asdict(row)
        data["periods"] = [{"from": p.start.isoformat() if p.start else None,
                            "until": p.until.isoformat() if p.until else None,
                            "classes": [c.label for c in p.classes], "max_term_years": p.max_term_years}
                           for p in row.periods]
        return data

    click.echo(json.dumps({
        "rules_version": tables.param("rules_version"),
        "ct_offenses": [offense(r) for r in tables.offenses.values()],
        "federal_ch77": [asdict(r) for r in tables.federal_ch77.values()],
        "parameters": {k: asdict(p) for k, p in tables.parameters.items()},
        "rules": [{"rule": r, "cite": c, "decides": d} for r, c, d in RULES],
    }, indent=2, ensure_ascii=False, default=str))


@main.command(name="courts")
@click.option("--kind", type=click.Choice(["ga", "jd", "juvenile"]), help="Only this kind of court.")
@click.option("--json", "as_json", is_flag=True, help="Print every row, closed courts included, as JSON.")
def courts_command(kind: str | None, as_json: bool) -> None:
    """List the court directory: where each court's papers go and which office is served.

    \b
    Example:
      erasure-docs courts --kind ga
      erasure-docs courts --json > courts.json
    """
    from erasure_docs import courts

    if as_json:
        rows = [e.to_json() for e in courts.entries() if kind is None or e.kind == kind]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for entry in courts.choices(kind):
        mark = "" if entry.verified else "  (address not verified)"
        click.echo(f"{entry.label}{mark}")
        for office in (entry.clerk, entry.prosecutor):
            if office is not None:
                where = "; ".join(office.address.lines) if office.address else "ADDRESS UNKNOWN"
                click.echo(f"    {office.name}: {where}")


def parse_formats(value: str) -> tuple[str, ...]:
    formats = tuple(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))
    unknown = [f for f in formats if f not in ("docx", "pdf")]
    if unknown or not formats:
        raise click.BadParameter("give docx, pdf or docx,pdf", param_hint="--format")
    return formats


@main.command()
@click.argument("case_file", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("output"), show_default=True,
              help="Folder that receives one sub-folder per case.")
@AS_OF
@click.option("--format", "formats", default="docx,pdf", show_default=True, help="Formats to write: docx, pdf or both.")
@click.option("--only", "only", multiple=True, metavar="DOC",
              help="Write only these documents (repeatable), e.g. --only application_54_95c. Into an existing case "
                   "folder: redo just these; the rest of the folder stays, edits included.")
@click.option("--require-ready", is_flag=True,
              help="Exit with status 1 when the packet is a draft (it is still written, marked as a draft).")
@FORCE
@TEMPLATES
@UMASK
@REDACT
@SIGN
def generate(case_file: Path, out_dir: Path, as_of: dt.date | None, formats: str, only: tuple[str, ...],
             require_ready: bool, force: bool, custom_templates: Path | None, umask: int, redact: bool,
             sign_key: Path | None) -> None:
    """Write the case folder of one case into OUT/<case_id>/: one filing set per court (each document as .docx
    and .pdf, and the bound filing.pdf), the sealed affidavits, the victim mailings, the attorney's copy and a
    manifest.

    Only eligible charges go into petitions; every charge appears on the attorney review sheet. A case that
    is not ready to file (see `check`) still gets its packet, with "DRAFT — NOT READY TO FILE" on every page
    and its blockers at the top of the review sheet; the last line printed says "draft: N blockers".
    Exit status 0 when written (1 with --require-ready when it is a draft), 1 when it could not be.

    A case folder that exists is never overwritten: generate refuses unless --force (then anything edited or
    added since is kept in <case_id>~kept-<time>), and a folder of that name erasure-docs did not make is
    never touched. With --only, an existing folder keeps everything but those documents: documents you
    edited stay as you edited them (recorded in the manifest; the bound sets are bound again with them).

    \b
    Example:
      erasure-docs generate sample_cases/adult-prostitution.yaml
      erasure-docs generate case.yaml --out packets/ --format pdf --only application_54_95c
      erasure-docs generate case.yaml --require-ready     # exit 1 unless ready to file
      erasure-docs generate case.yaml --sign attorney.p12  # signed filings and manifest
    """
    chosen = parse_formats(formats)
    kinds = api.document_kinds()
    unknown = [d for d in only if d not in kinds]
    if unknown:
        raise click.BadParameter(f"unknown document {unknown[0]!r}; choose from: {', '.join(kinds)}",
                                 param_hint="--only")
    cases = api.load_cases([case_file], as_of=as_of)  # as_of is applied here, once
    if report_problems(cases):
        sys.exit(1)
    key = signing_key(sign_key)
    from erasure_docs.packet import render_helper

    # Both cores: a helper process renders the Word files and shares the PDFs (warming up while this one starts).
    helper = render_helper(custom_templates) if "pdf" in chosen else None
    renderers = api.Renderers(helper=helper)
    try:
        status = write_packets(cases, renderers, chosen, set(only) or None, custom_templates, out_dir,
                               file_mode_for_umask(umask), redact, require_ready, force, key)
    finally:
        if helper is not None:
            helper.shutdown()
    sys.exit(status)


def write_packets(cases: list[LoadedCase], renderers: api.Renderers, chosen: tuple[str, ...], only: set[str] | None,
                  custom_templates: Path | None, out_dir: Path, file_mode: int, redact: bool,
                  require_ready: bool, force: bool, key: SigningKey | None = None) -> int:
    """`generate`'s cases, each reported on one line (never a traceback); the exit status."""
    status = 0
    for item in cases:
        assert item.case is not None
        try:
            # before a second is spent rendering; --only adds to an existing folder
            api.check_writable(out_dir, item.case.case_id, force=force or only is not None)
            documents, formats = (api.plan_for_folder(out_dir, item.case.case_id, only, chosen) if only
                                  else (None, chosen))
            packet = api.build_packet(item.case, renderers=renderers, formats=formats, only=documents,
                                      templates=custom_templates, input_ref=item.input_ref, redact=redact,
                                      file_mode=file_mode)
            written = api.write_case_folder(packet, out_dir, force=force, redo=only, renderers=renderers, sign=key)
        except (api.FolderExists, api.NotAPacketFolder, api.RepackError) as exc:
            click.echo(f"error: {item.source} [{item.case_id}]: {exc}", err=True)
            status = 1
            continue
        except Exception as exc:  # noqa: BLE001 - one case's failure is reported, never a traceback
            click.echo(f"error: {item.source} [{item.case_id}] could not be rendered: {safe_message(exc)}", err=True)
            show_traceback()
            status = 1
            continue
        summary = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in packet.report.summary.items() if n)
        click.echo(f"{packet.case_id}: {len(packet.manifest['files'])} files in {written.folder} ({summary})")
        if written.backup is not None:
            click.echo(f"{packet.case_id}: {files_word(len(written.kept))} of the old folder edited or added since it "
                       f"was made ({listing(written.kept)}): the old folder is kept as {written.backup}", err=True)
        for path in written.edited:
            click.echo(f"{packet.case_id}: kept as you edited it (recorded as edited after generation): {path}")
        if written.unexported:
            click.echo(f"{packet.case_id}: {api.WordNotExported(list(written.unexported))}; then run erasure-docs "
                       f"repack {written.folder}", err=True)
        readiness = packet.report.readiness
        assert readiness is not None  # evaluate() always assesses it
        if readiness.ready:
            click.echo(f"{packet.case_id}: ready to file")
        else:
            count = len(readiness.blockers)
            click.echo(f"{packet.case_id}: draft: {count} blocker{'s' if count != 1 else ''} "
                       f"({', '.join(dict.fromkeys(b.id for b in readiness.blockers))}); see the review sheet")
            status = status or int(require_ready)
    return status


class Progress:
    """Cases done, failed, rate and time left: a bar on a terminal, a line every few seconds otherwise."""

    def __init__(self, total: int, quiet: bool):
        self.total, self.quiet = total, quiet
        self.done = self.failed = 0
        self.started = self.last = time.monotonic()
        self.tty = sys.stderr.isatty()

    def __call__(self, row: CaseRow) -> None:
        self.done += 1
        self.failed += row.status == "failed"
        if self.quiet:
            return
        now = time.monotonic()
        if not self.tty and now - self.last < 5 and self.done < self.total:
            return
        self.last = now
        text = f"{self.done}/{self.total} cases, {self.failed} failed"
        elapsed = now - self.started
        if elapsed >= 1:  # a rate over the first instants (invalid cases, skipped ones) says nothing
            rate = self.done / elapsed
            left = int((self.total - self.done) / rate)
            text += f", {rate:.1f} cases/s, {left // 60}:{left % 60:02d} left"
        if self.tty:
            width = 24
            filled = int(width * self.done / max(self.total, 1))
            click.echo(f"\r[{'#' * filled}{'-' * (width - filled)}] {text}  ", err=True, nl=self.done == self.total)
        else:
            click.echo(f"progress: {text}", err=True)


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("output"), show_default=True,
              help="Folder that receives one sub-folder per case and the batch summary.")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Worker processes (default: CPUs).")
@AS_OF
@click.option("--format", "formats", default="docx,pdf", show_default=True, help="Formats to write: docx, pdf or both.")
@click.option("--sheet", help="For .xlsx input: the sheet to read (default: the first).")
@click.option("--fail-fast", is_flag=True, help="Stop at the first case that fails.")
@click.option("--dry-run", is_flag=True, help="Validate and judge every case; write nothing.")
@click.option("--resume", is_flag=True,
              help="Skip cases whose folder was made from the same input, tool version, options and templates and "
                   "is whole; redo the others (replacing their folders as --force does).")
@click.option("--quiet", "-q", is_flag=True, help="No progress output (errors are still printed).")
@FORCE
@TEMPLATES
@UMASK
@REDACT
@SIGN
def batch(inputs: tuple[Path, ...], out_dir: Path, workers: int | None, as_of: dt.date | None, formats: str,
          sheet: str | None, fail_fast: bool, dry_run: bool, resume: bool, quiet: bool, force: bool,
          custom_templates: Path | None, umask: int, redact: bool, sign_key: Path | None) -> None:
    """Produce the packets of many cases: folders of case files, case files, or a CSV/XLSX sheet.

    A case that fails is reported (case id, file or sheet row, field path) and the run goes on. Each
    case's folder appears whole or not at all. batch-summary.json and batch-summary.csv account for the
    run. Exit status 0 when every case was produced, 1 when some failed, 2 for bad usage or input that
    cannot be read at all. Nothing printed names a person. A case whose folder exists fails unless --force
    or --resume (see generate: what a person edited or added is kept).

    \b
    Example:
      erasure-docs batch sample_cases/ --out output/
      erasure-docs batch clinic-day.xlsx --sheet "Nov 30" --workers 2 --resume
    """
    from erasure_docs.batch import BatchOptions, run_batch, write_summary
    from erasure_docs.rules.tables import load_tables

    chosen = parse_formats(formats)
    missing = [str(p) for p in inputs if not p.exists()]
    if missing:
        click.echo(f"error: no such file or folder: {', '.join(missing)}", err=True)
        sys.exit(2)
    from erasure_docs.spreadsheet import count_cases

    key = None if dry_run else signing_key(sign_key)
    options = BatchOptions(out_dir, workers or os.cpu_count() or 1, as_of, chosen, fail_fast, dry_run, resume,
                           custom_templates, file_mode_for_umask(umask), redact, debugging(), force, key)
    made: list[Path] = []
    if not dry_run:
        try:  # owner-only, parents too, before a case is read: a folder that cannot be made stops the run at once
            made = make_folder(out_dir, dir_mode(options.file_mode))
        except OSError as exc:
            click.echo(f"error: the output folder {printable_path(str(out_dir))} cannot be created "
                       f"({exc.strerror or 'not a folder'})", err=True)
            sys.exit(2)
    progress = Progress(count_cases(inputs, sheet), quiet)

    readable = [0]

    def cases() -> Iterator[LoadedCase]:  # streamed: a big sheet is read one case at a time
        for item in iter_inputs(inputs, as_of=as_of, sheet=sheet):
            report_problems([item])
            whole_input = item.unreadable or (not item.ok and item.case_id is None and len(item.problems) == 1
                                              and not item.problems[0].path)
            readable[0] += not whole_input
            yield item

    def on_row(row: CaseRow) -> None:  # validation problems were printed as read; render failures here
        if row.status == "failed" and row.stage in ("render", "write"):
            verb = "rendered" if row.stage == "render" else "written"
            click.echo(f"error: {row.source} [{row.case_id}] could not be {verb}: {row.error}", err=True)
        progress(row)

    try:
        result = run_batch(cases(), options, on_row)
    except KeyboardInterrupt:
        click.echo("\ninterrupted: finished cases are complete; run again with --resume to do the rest", err=True)
        sys.exit(130)
    if not readable[0] and not result.interrupted:
        remove_if_empty(made)  # nothing was read, nothing is left behind
        sys.exit(2)  # not one input could be read as cases at all (the problems are printed)
    status = 1 if result.failed else 0
    for note in result.notes:
        click.echo(f"warning: {note}", err=True)
    if not dry_run:
        try:
            json_path, _, _ = write_summary(result, options, str(load_tables().param("rules_version")))
            where = f"; summary in {json_path.parent}"
        except OSError as exc:
            click.echo(f"error: the batch summary could not be written to {out_dir}: {exc.strerror}", err=True)
            where, status = "", 1
    else:
        where = " (dry run: nothing written)"
    counts = {s: sum(r.status == s for r in result.rows) for s in ("produced", "would_produce", "skipped", "failed")}
    text = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in counts.items() if n)
    drafts = sum(r.ready is False for r in result.rows)
    text += f" ({drafts} draft{'s' if drafts != 1 else ''}: see the ready and blockers columns)" if drafts else ""
    click.echo(f"{text or 'nothing to do'} in {result.wall_seconds:.1f} s{where}")
    sys.exit(status)


@main.command()
@click.argument("case_folder", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--convert-word", is_flag=True,
              help="Make the PDF of each Word file edited since with LibreOffice (soffice), instead of exporting "
                   "it from Word yourself.")
@SIGN
def repack(case_folder: Path, convert_word: bool, sign_key: Path | None) -> None:
    """Bring edits into the filing: record which documents of CASE_FOLDER were edited after generation, and bind
    each court's filing.pdf and the attorney's copy again from the documents' PDFs in the folder (including
    PDFs exported from Word after editing). `verify` then reports those documents as "edited after generation
    by the preparer".

    Edit a document's .docx in Word, export it over its .pdf (File > Save As > PDF, same name and folder), then
    repack. A Word file edited without a new PDF is named (or converted with --convert-word where LibreOffice
    is installed). An edited document must keep its page count (the cover letter gives filing pages). The
    folder is written again whole or not at all. Exit status 0 when repacked, 1 when it could not be.

    \b
    Example:
      erasure-docs repack output/CLINIC-2026-0013
      erasure-docs repack output/CLINIC-2026-0013 --convert-word
      erasure-docs repack output/CLINIC-2026-0013 --sign attorney.p12   # a signed folder is signed again
    """
    from erasure_docs.repack import libreoffice

    if convert_word and libreoffice() is None:
        click.echo("error: LibreOffice (soffice) is not installed, so --convert-word cannot be used: export the "
                   "edited Word files to PDF from Word, then run repack without it", err=True)
        sys.exit(1)
    try:
        result = api.repack_folder(case_folder, convert_word=convert_word, sign=signing_key(sign_key))
    except ErasureDocsError as exc:
        click.echo(f"error: {case_folder}: {exc}", err=True)
        sys.exit(1)
    for path in result.converted:
        click.echo(f"converted with LibreOffice: {path}")
    for path in result.edited:
        click.echo(f"edited after generation: {path}")
    for path in result.rebuilt:
        click.echo(f"bound again: {path}")
    count = len(result.edited)
    click.echo(f"{result.manifest['case_id']}: repacked; {count} document file{'s' if count != 1 else ''} edited "
               f"after generation, recorded in manifest.json (check with: erasure-docs verify {case_folder})")


@main.command()
@click.argument("packet", type=click.Path(path_type=Path))
@click.option("--case", "case_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The case file the packet was made from: re-run the rules and re-render, and compare.")
@click.option("--manifest", "manifest_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="For a filing.pdf outside its case folder: the case folder's manifest.json.")
@click.option("--templates", "custom_templates", type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="With --case, for a packet made with --templates: that folder of templates.")
def verify(packet: Path, case_file: Path | None, manifest_file: Path | None, custom_templates: Path | None) -> None:
    """Check that a case folder, one court's filing.pdf or the attorney's copy is what erasure-docs made: every
    file against manifest.json (its SHA-256, each PDF page's text, each Word file's content), the fingerprint
    over all of it, nothing missing that the recorded options call for, each bound filing page for page against
    its documents, no attachment in any filed PDF, the attorney's copy; with --case, that the rules (recorded
    as-of date and rules version) give the same outcomes and rendering again (recorded options and templates)
    gives byte-identical files. A packet made with --sign: its signatures, and who signed.

    Without a signature this proves consistency (the files agree with each other and with a fresh render), not
    authenticity: whoever can write the folder can rewrite it consistently. PACKET is a case folder or a PDF in
    it (or an attorney's copy on its own). Nothing is written. Prints one PASS or FAIL line per check (values
    from the folder shown with control characters escaped). Exit status 0 when everything holds, 1 when anything
    differs, 2 for bad usage.

    \b
    Example:
      erasure-docs verify output/CLINIC-2026-0013
      erasure-docs verify output/CLINIC-2026-0013/filings/ga-15-new-britain/filing.pdf
      erasure-docs verify output/CLINIC-2026-0013/attorney/attorney-copy.pdf
      erasure-docs verify output/CLINIC-2026-0013 --case sample_cases/adult-with-victim.yaml
    """
    from erasure_docs.verify import UsageError, verify as run_verify

    try:
        result = run_verify(packet, case_file, manifest_file, custom_templates)
    except UsageError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    for line in result.lines():
        click.echo(line)
    sys.exit(0 if result.ok else 1)


@main.command()
@click.argument("path", type=click.Path(exists=True, path_type=Path))
def show(path: Path) -> None:
    """Print what a case folder, one court's filing.pdf or the attorney's copy holds: case id, as-of date,
    versions, fingerprint; for a filing.pdf only that court's dockets and documents with their filing pages;
    for a folder or the attorney's copy every docket's charges (citation, status, pathway, relief) and every
    filing set.

    Only redacted data is printed. Exit status 0, 1 when there is nothing to show, 2 for bad usage.

    \b
    Example:
      erasure-docs show output/CLINIC-2026-0013/filings/ga-15-new-britain/filing.pdf
      erasure-docs show output/CLINIC-2026-0013/attorney/attorney-copy.pdf
    """
    from erasure_docs.verify import show_text

    try:
        text = show_text(path)
    except Exception as exc:  # noqa: BLE001 - a damaged or foreign PDF: say so, no traceback
        reason = str(exc) if isinstance(exc, ErasureDocsError) else f"cannot be read ({safe_message(exc)})"
        click.echo(f"error: {path.name}: {reason}", err=True)
        sys.exit(1)
    click.echo(text)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on. Anything but this computer's own (loopback) address is shown a warning.")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="Port (0: any free one).")
@click.option("--work", "work_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("erasure-work"),
              show_default=True, help="Work folder: case files, settings, generated folders, batches (owner-only).")
@click.option("--no-browser", is_flag=True, help="Do not open a browser; just print the link.")
@click.option("--idle-minutes", type=click.FloatRange(1, 24 * 60), default=30, show_default=True,
              help="A browser session ends after this long without use.")
def serve(host: str, port: int, work_dir: Path, no_browser: bool, idle_minutes: float) -> None:
    """Start the web app on this computer: intake forms, eligibility, filing sets, batches and a JSON API.

    Prints a link that carries a random access token; every request without it is refused. Listens on
    127.0.0.1 (this computer only) unless --host says otherwise. Stop with Ctrl+C.

    \b
    Example:
      erasure-docs serve
      erasure-docs serve --port 9000 --work ~/clinic-cases --no-browser
    """
    from erasure_docs.web.server import serve as run_server

    try:
        run_server(host, port, work_dir, not no_browser, idle_minutes)
    except OSError as exc:
        click.echo(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}", err=True)
        sys.exit(2)


@main.group()
def templates() -> None:
    """Use your clinic's own templates: export the built-in ones with their sources, edit the sources, build
    both formats from them, check them.

    \b
    Example:
      erasure-docs templates export my-templates/
      # edit my-templates/source/application_54_95c.yaml and my-templates/branding.yaml
      erasure-docs templates build my-templates/
      erasure-docs templates check my-templates/
      erasure-docs generate case.yaml --templates my-templates/
    """


@templates.command("export")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
def templates_export(folder: Path) -> None:
    """Copy the built-in templates, their sources (source/*.yaml, with the list of every variable in
    source/README.md) and an empty branding.yaml into FOLDER for editing (never overwrites).

    \b
    Example:
      erasure-docs templates export my-templates/
    """
    from erasure_docs.custom_templates import export_templates

    try:
        copied = export_templates(folder)
    except (ErasureDocsError, OSError) as exc:
        click.echo(f"error: {safe_message(exc)}", err=True)
        sys.exit(1)
    click.echo(f"{len(copied)} files copied to {folder}; edit source/*.yaml (the wording of both formats) and "
               "branding.yaml (your letterhead), then run `erasure-docs templates build` on the folder; "
               "source/README.md lists every variable")


@templates.command("build")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--force", is_flag=True, help="Replace built templates even where they were changed by hand.")
def templates_build_command(folder: Path, force: bool) -> None:
    """Build FOLDER/source/*.yaml into both formats: each document's Word template (.docx) and HTML template
    (for the PDF), with the letterhead of FOLDER/branding.yaml and the Word styling of FOLDER/reference.docx
    when it has one. A built file changed by hand since the last build is not replaced without --force.

    Exit status 0 when built, 1 when a source cannot be built or a file was changed by hand.

    \b
    Example:
      erasure-docs templates build my-templates/
    """
    from erasure_docs.custom_templates import build_folder

    try:
        written = build_folder(folder, force=force)
    except (ErasureDocsError, OSError) as exc:
        click.echo(f"error: {safe_message(exc)}", err=True)
        sys.exit(1)
    click.echo(f"{len(written)} templates built in {folder}")


@templates.command("check")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False, exists=True))
def templates_check(folder: Path) -> None:
    """Render both formats of every document in FOLDER against every sample case. Reports built templates
    that are not what their sources build, each unknown or misspelled variable (with the template and the
    line (HTML) or the paragraph's text (Word) where it stands, and the name it is probably meant to be), and
    every document whose Word and PDF texts differ (with the first differing paragraph), and sentences of the letter to the client that have no translation.

    Exit status 0 when there is no problem, 1 otherwise.

    \b
    Example:
      erasure-docs templates check my-templates/
    """
    from erasure_docs.custom_templates import check_templates

    try:
        problems = check_templates(folder)
    except (ErasureDocsError, OSError) as exc:
        click.echo(f"error: {safe_message(exc)}", err=True)
        sys.exit(1)
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    click.echo(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {folder}")
    sys.exit(1 if problems else 0)
