"""The court directory: where each court's papers go and who is served, read from law/courts.yaml.

Python holds no address: every caption name, clerk's address and prosecutor's office comes from the YAML
file counsel reviews, each row with its source and a `verified` flag. This module only finds the row for a
record's court (`lookup`), lists rows for pickers (`entries`, `choices`), checks a case file's court and
docket number against the directory (`court_findings`), and parses docket numbers (`parse_docket`).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Protocol

import yaml

COURTS_FILE = Path(__file__).resolve().parent / "law" / "courts.yaml"
KINDS = ("ga", "jd", "juvenile")
KIND_NAMES = {"ga": "G.A.", "jd": "judicial-district (Part A)", "juvenile": "Juvenile Matters"}


class DirectoryError(Exception):
    """courts.yaml does not follow its documented format (a maintainer's error, not a user's)."""


class UnknownCourt(LookupError):
    """No directory row for a court; str() names what is wrong without echoing the input."""

    def __init__(self, path: str, message: str):
        super().__init__(message)
        self.path, self.message = path, message


class CourtLike(Protocol):
    """A case file's `court` (model.Court) or anything shaped like it."""

    @property
    def kind(self) -> Any: ...
    @property
    def number(self) -> int | None: ...
    @property
    def location(self) -> str: ...


@dataclass(frozen=True)
class MailingAddress:
    street: str
    city: str
    state: str
    zip: str

    @property
    def lines(self) -> list[str]:
        return [self.street, f"{self.city}, {self.state} {self.zip}"]


@dataclass(frozen=True)
class Office:
    """A clerk's office or a prosecutor's office; `address` is None when the directory does not know it."""

    name: str
    address: MailingAddress | None


@dataclass(frozen=True)
class CourtEntry:
    id: str
    kind: str  # ga | jd | juvenile
    number: int | None
    location: str
    aliases: tuple[str, ...]
    district: str
    caption_court: str  # "G.A. 14", "JUDICIAL DISTRICT OF HARTFORD", "JUVENILE MATTERS"
    caption_at: str  # "HARTFORD"
    clerk: Office | None  # None for a closed court
    prosecutor: Office | None  # for juvenile rows: the juvenile matters prosecutor
    docket_code: str | None
    status: str  # open | closed
    records_at: str | None
    verified: bool
    unconfirmed: tuple[str, ...]
    source: str
    notes: str = ""

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def name(self) -> str:
        """The court as a sentence names it: 'Superior Court, G.A. 14, at Hartford'."""
        if self.kind == "juvenile":
            return f"Superior Court for Juvenile Matters at {self.location}"
        court = f"G.A. {self.number}" if self.kind == "ga" else f"Judicial District of {self.district}"
        return f"Superior Court, {court}, at {self.location}"

    @property
    def label(self) -> str:
        """A picker's label: 'G.A. 14 — Hartford'."""
        if self.kind == "ga":
            return f"G.A. {self.number} — {self.location}"
        if self.kind == "jd":
            return f"J.D. of {self.district} — {self.location}"
        return f"Juvenile Matters — {self.location}"

    @property
    def complete(self) -> bool:
        """Both addresses known: papers for this court can be addressed without a gap."""
        return bool(self.clerk and self.clerk.address and self.prosecutor and self.prosecutor.address)

    def names(self) -> tuple[str, ...]:
        return (self.location, *self.aliases)

    def to_json(self) -> dict[str, Any]:
        """The row as plain data (for pickers, workbooks and `erasure-docs courts --json`)."""
        def office(o: Office | None) -> dict[str, Any] | None:
            return None if o is None else {"name": o.name, "address_lines": o.address.lines if o.address else []}
        return {"id": self.id, "kind": self.kind, "number": self.number, "location": self.location,
                "aliases": list(self.aliases), "district": self.district, "label": self.label, "name": self.name,
                "caption": [self.caption_court, f"AT {self.caption_at}"], "clerk": office(self.clerk),
                "prosecutor": office(self.prosecutor), "docket_code": self.docket_code, "status": self.status,
                "records_at": self.records_at, "verified": self.verified, "unconfirmed": list(self.unconfirmed),
                "source": self.source, "notes": self.notes}


# ------------------------------------------------------------------------------------------ loading

def _address(data: Any, where: str) -> MailingAddress | None:
    if data is None:
        return None
    try:
        return MailingAddress(**{k: str(data[k]) for k in ("street", "city", "state", "zip")})
    except (KeyError, TypeError) as exc:
        raise DirectoryError(f"{where}: an address needs street, city, state and zip") from exc


def _office(data: Any, where: str) -> Office | None:
    if data is None:
        return None
    if not isinstance(data, dict) or not data.get("name", data.get("office")):
        raise DirectoryError(f"{where}: needs a name (or office) and an address")
    return Office(str(data.get("name") or data.get("office")), _address(data.get("address"), where))


def _entry(row: dict, index: int) -> CourtEntry:
    where = f"{COURTS_FILE.name} entry {index + 1} ({row.get('id', '?')})"
    try:
        entry = CourtEntry(
            id=str(row["id"]), kind=str(row["kind"]), number=row.get("number"), location=str(row["location"]),
            aliases=tuple(str(a) for a in row.get("aliases") or ()), district=str(row["district"]),
            caption_court=str(row["caption"]["court"]), caption_at=str(row["caption"]["at"]),
            clerk=_office(row.get("clerk"), f"{where} clerk"),
            prosecutor=_office(row.get("prosecutor"), f"{where} prosecutor"),
            docket_code=row.get("docket_code"), status=str(row["status"]), records_at=row.get("records_at"),
            verified=row["verified"], unconfirmed=tuple(row.get("unconfirmed") or ()),
            source=str(row["source"]), notes=str(row.get("notes") or ""))
    except (KeyError, TypeError) as exc:
        raise DirectoryError(f"{where}: missing or malformed field {exc}") from exc
    if entry.kind not in KINDS or entry.status not in ("open", "closed") or not isinstance(entry.verified, bool):
        raise DirectoryError(f"{where}: kind, status or verified has a value the header does not allow")
    if (entry.kind == "ga") != isinstance(entry.number, int):
        raise DirectoryError(f"{where}: a number is required for a G.A. entry and only there")
    if entry.is_open and (entry.clerk is None or entry.prosecutor is None or entry.records_at):
        raise DirectoryError(f"{where}: an open court needs clerk and prosecutor and no records_at")
    if not entry.is_open and not entry.records_at:
        raise DirectoryError(f"{where}: a closed court needs records_at")
    return entry


@cache
def entries() -> tuple[CourtEntry, ...]:
    """Every row of the directory, closed courts included, in file order."""
    rows = yaml.safe_load(COURTS_FILE.read_text(encoding="utf-8"))
    if not isinstance(rows, list):
        raise DirectoryError(f"{COURTS_FILE.name}: expected a list of courts")
    found = tuple(_entry(row, i) for i, row in enumerate(rows))
    ids = {e.id: e for e in found}
    if len(ids) != len(found):
        raise DirectoryError(f"{COURTS_FILE.name}: two entries share an id")
    for e in found:
        target = ids.get(e.records_at or e.id)
        if target is None or not target.is_open:
            raise DirectoryError(f"{COURTS_FILE.name} entry {e.id}: records_at must name an open court")
    return found


def by_id(court_id: str) -> CourtEntry:
    for entry in entries():
        if entry.id == court_id:
            return entry
    raise KeyError(court_id)


def choices(kind: str | None = None) -> list[CourtEntry]:
    """Open courts for drop-downs and pickers: G.A. by number, the others by location."""
    found = [e for e in entries() if e.is_open and (kind is None or e.kind == kind)]
    return sorted(found, key=lambda e: (KINDS.index(e.kind), e.number or 0, e.location))


@cache
def locations(kind: str) -> list[str]:
    """The location names a case file may give for a kind of court (open and closed, aliases too)."""
    return sorted({name for e in entries() if e.kind == kind for name in e.names()})


@cache
def _by_name() -> dict[tuple[str, str], CourtEntry]:
    """(kind, normalised location or alias) -> the first row with that name."""
    index: dict[tuple[str, str], CourtEntry] = {}
    for entry in entries():
        for name in entry.names():
            index.setdefault((entry.kind, _key(name)), entry)
    return index


def ga_numbers() -> list[int]:
    return sorted({e.number for e in entries() if e.kind == "ga" and e.number is not None})


# ------------------------------------------------------------------------------------------ finding

def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.casefold())


def _suggestion(location: str, kind: str) -> str:
    names = locations(kind)
    close = difflib.get_close_matches(_key(location), [_key(n) for n in names], n=1, cutoff=0.6)
    if close:
        match = next(n for n in names if _key(n) == close[0])
        return f'; did you mean "{match}"?'
    return f" (known locations: {', '.join(sorted({e.location for e in choices(kind)}))})"


def _kind(court: CourtLike) -> str:
    return getattr(court.kind, "value", court.kind)


def find(court: CourtLike) -> CourtEntry:
    """The directory row a case file's court names, closed courts included; UnknownCourt if none."""
    kind, key = _kind(court), _key(court.location)
    if kind not in KINDS:
        raise UnknownCourt("court.kind", f"the directory has no {kind} courts")
    if kind == "ga":
        rows = [e for e in entries() if e.kind == "ga" and e.number == court.number]
        if not rows:
            numbers = ", ".join(str(n) for n in ga_numbers())
            raise UnknownCourt("court.number", f"there is no G.A. with this number (G.A. courts: {numbers})")
        if ("ga", key) not in _by_name():
            raise UnknownCourt("court.location", f"no G.A. court sits at this location{_suggestion(court.location, 'ga')}")
        return rows[0]
    if (kind, key) in _by_name():
        return _by_name()[(kind, key)]
    raise UnknownCourt("court.location",
                       f"no {KIND_NAMES[kind]} court sits at this location{_suggestion(court.location, kind)}")


def lookup(court: CourtLike | str) -> CourtEntry:
    """The open court that holds the record now (a closed court's successor); by row id or by a case's court."""
    entry = by_id(court) if isinstance(court, str) else find(court)
    return by_id(entry.records_at) if entry.records_at else entry


# ------------------------------------------------------------------------------------------ docket numbers

@dataclass(frozen=True)
class Docket:
    kind: str  # ga | jd | juvenile
    code: str  # "H14H", "HHD", "H12"
    number: int | None  # the G.A. number of a G.A. docket


DOCKET_FORMATS = (
    ("ga", re.compile(r"^(?P<code>[A-Z](?P<number>\d{2})[A-Z])-?[A-Z]{2}\d{2}-?\d{6,7}(-?[A-Z])?$")),
    ("jd", re.compile(r"^(?P<code>[A-Z]{3})-?[A-Z]{2}\d{2}-?\d{6,7}(-?[A-Z])?$")),
    ("juvenile", re.compile(r"^(?P<code>[A-Z]\d{2})-?[A-Z]{2}\d{2}-?\d{6,7}(-?[A-Z])?$")),
)


def parse_docket(docket: str) -> Docket | None:
    """A Superior Court docket number's court code, or None for a form we do not know (never an error:
    older and federal numbers differ, and a docket is copied exactly as the court record prints it)."""
    text = docket.strip().upper()
    for kind, pattern in DOCKET_FORMATS:
        match = pattern.match(text)
        if match:
            number = match.groupdict().get("number")
            return Docket(kind, match.group("code"), int(number) if number else None)
    return None


def docket_warnings(docket: str, entry: CourtEntry) -> list[str]:
    """Where a docket number's court code disagrees with the court the case file names."""
    parsed = parse_docket(docket)
    if parsed is None:
        return []
    if parsed.kind != entry.kind:
        return [f"the docket number has the form of a {KIND_NAMES[parsed.kind]} docket, but court.kind is "
                f"'{entry.kind}'; check both against the court record"]
    if parsed.kind == "ga" and parsed.number != entry.number:
        return [f"the docket number is a G.A. {parsed.number} number, but court.number is {entry.number}; "
                "check both against the court record"]
    if parsed.kind == "jd" and entry.docket_code and parsed.code != entry.docket_code:
        return [f"the docket's court code {parsed.code} is not the code of the {entry.district} judicial district "
                f"({entry.docket_code}); check both against the court record"]
    return []


# ------------------------------------------------------------------------------------------ case-file checks

def court_findings(court: CourtLike, docket: str | None) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(problems, warnings) for one record's court and docket, each (path relative to the record, message).

    Problems refuse the file: a G.A. number or a location the directory does not know. Warnings do not: a
    closed court (papers go to its successor), a G.A. location that is not that G.A.'s seat, a docket code
    that disagrees with the court."""
    problems, warnings, entry = _court_findings(_kind(court), court.number, court.location)
    if entry is not None and docket:
        warnings += tuple(("docket_number", message) for message in docket_warnings(docket, entry))
    return list(problems), list(warnings)


@lru_cache(maxsize=1024)  # a clinic's sheet repeats the same few courts on thousands of rows
def _court_findings(kind: str, number: int | None, location: str) -> tuple[tuple, tuple, CourtEntry | None]:
    if kind == "federal":
        return (), (), None
    try:
        entry = find(SimpleNamespace(kind=kind, number=number, location=location))
    except UnknownCourt as exc:
        return ((exc.path, exc.message),), (), None
    warnings: list[tuple[str, str]] = []
    if entry.kind == "ga" and not any(_key(location) == _key(n) for n in entry.names()):
        warnings.append(("court.location", f"G.A. {entry.number} sits at {entry.location}; the papers are "
                                           f"addressed there"))
    if not entry.is_open:
        now = by_id(entry.records_at or entry.id)
        warnings.append(("court", f"this court is closed; its records are held by the {now.name}, and the "
                                  "papers are addressed there"))
    return (), tuple(warnings), entry


# ------------------------------------------------------------------------------------------ routing

def _mailing(address: Any) -> MailingAddress | None:
    return None if address is None else MailingAddress(address.street, address.city, address.state, address.zip)


def prosecutor_for(record: Any, filing: Any = None) -> Office | None:
    """The office served with one docket's papers (None for a federal record, which gets no papers).

    In order: the record's own `prosecutor`; for an adult docket, the deprecated case-level
    `filing.prosecutor_office` with `prosecutor_address` (both, or neither is used); the directory's office
    for the court that holds the record. A juvenile docket is served on the juvenile prosecutor only."""
    if record.prosecutor is not None:
        return Office(record.prosecutor.office, _mailing(record.prosecutor.address))
    if _kind(record.court) == "federal":
        return None
    entry = lookup(record.court)
    if entry.kind != "juvenile" and filing is not None and filing.prosecutor_office and filing.prosecutor_address:
        return Office(filing.prosecutor_office, _mailing(filing.prosecutor_address))
    return entry.prosecutor


def clerk_for(record: Any) -> Office | None:
    """The clerk a docket's cover letter is addressed to (None for a federal record)."""
    return None if _kind(record.court) == "federal" else lookup(record.court).clerk
