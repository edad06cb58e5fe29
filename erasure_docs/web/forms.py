"""The intake form: which fields it shows, how its posted values become case-file data, and where each
problem that `validate` reports (a field path) is shown.

Every input is named by its field path in the case file (`records[0].charges[1].statute`), so a problem's
path is also the id of the input it is about; a problem about something larger than one input (a missing
section, an empty list) is shown at the nearest enclosing part of the form that exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from erasure_docs import courts
from erasure_docs.reading import format_loc, split_path
from erasure_docs.model import CourtKind, Disposition, EvidenceKind, NoticeMethod, Proceeding

YES_NO = (("", "not decided"), ("true", "yes"), ("false", "no"))


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text | date | number | select | textarea | lines | checkbox
    options: tuple[tuple[str, str], ...] = ()
    hint: str = ""
    suggest: str = ""  # the id of a <datalist> of suggestions
    required: bool = False


def _choices(enum: Iterable[Any], blank: str = "choose…") -> tuple[tuple[str, str], ...]:
    return (("", blank),) + tuple((m.value, m.value.replace("_", " ")) for m in enum)


ADDRESS = (Field("street", "Street"), Field("city", "City"), Field("state", "State", hint="2 letters, e.g. CT"),
           Field("zip", "ZIP code", hint="e.g. 06106"))

TOP = (Field("case_id", "Case id", required=True, hint="letters, digits, '.', '_' or '-'"),
       Field("as_of", "Decide as of", "date", hint="the law is applied as of this date"))
PETITIONER = (Field("first_name", "First name", required=True), Field("middle_name", "Middle name"),
              Field("last_name", "Last name", required=True), Field("suffix", "Suffix"),
              Field("aliases", "Other names (one a line)", "lines"),
              Field("date_of_birth", "Date of birth", "date", required=True),
              Field("address_is_acp", "The address is an Address Confidentiality Program address", "checkbox"),
              Field("phone", "Phone"), Field("email", "Email"),
              Field("interpreter_language", "Interpreter's language", hint="if the affidavit is translated for the client"),
              Field("non_citizen", "The client is not a U.S. citizen", "checkbox"))
ATTORNEY = (Field("name", "Attorney's name"), Field("juris_number", "Juris number", hint="6 digits"),
            Field("firm", "Firm or organisation"), Field("phone", "Phone"), Field("email", "Email"))
TRAFFICKING = (Field("period.start", "Trafficking began", "date"), Field("period.end", "Trafficking ended", "date"),
               Field("narrative", "Narrative (for the sealed affidavit)", "textarea"))
EVIDENCE = (Field("kind", "Kind of evidence", "select", _choices(EvidenceKind)), Field("description", "Description"),
            Field("date", "Date", "date"), Field("author", "Who signed it", hint="e.g. Special Agent J. Smith, FBI"))
RECORD = (Field("docket_number", "Docket number", required=True),
          Field("proceeding", "Proceeding", "select", _choices(Proceeding), required=True),
          Field("arrest_date", "Arrest date", "date"), Field("arresting_agency", "Arresting agency"),
          Field("name_on_record", "Name on the court record", hint="only when it is not the petitioner's legal name"),
          Field("date_of_birth_on_record", "Date of birth on the court record", "date",
                hint="only when it is not the petitioner's"))
PROSECUTOR = (Field("office", "Prosecutor's office", hint="only when not the office the court directory names"),)
COURT = (Field("kind", "Court kind", "select", _choices(CourtKind)), Field("number", "G.A. or district number", "number"),
         Field("location", "Court location", suggest="court-locations"))
CHARGE = (Field("statute", "Statute", required=True, suggest="statutes", hint="e.g. 53a-82"),
          Field("description", "Description"), Field("offense_class", "Offense class", hint="e.g. A misdemeanor"),
          Field("max_term_years", "Maximum term (years)", "number"), Field("offense_date", "Offense date", "date"),
          Field("disposition", "Disposition", "select", _choices(Disposition), required=True),
          Field("disposition_date", "Disposition date", "date"), Field("sentence", "Sentence"),
          Field("discharge_date", "Discharge date", "date"),
          Field("related_to_trafficking", "Result of the trafficking (attorney's finding)", "select", YES_NO),
          Field("no_identifiable_victim", "There is no identifiable victim (attorney's statement)", "checkbox"),
          Field("discretion_factors", "Reasons for the court's discretion (one a line)", "lines"))
VICTIM = (Field("name", "Victim's name"),)
NOTICE = (Field("method", "Notice mailed by", "select", _choices(NoticeMethod, "not mailed yet")),
          Field("tracking_number", "Tracking number"), Field("mailed_on", "Mailed on", "date"))
FILING = (Field("date", "Filing date", "date"), Field("hearing_date", "Hearing date", "date"),
          Field("request_hearing", "Request a hearing", "select", YES_NO[1:]),
          Field("seal_affidavit", "Move to seal the affidavit", "select", YES_NO[1:]),
          Field("use_initials", "Use initials in the caption", "select", (("", "as the law requires"),) + YES_NO[1:]))

NUMBERS = {"number", "max_term_years"}
CHECKBOXES = {"address_is_acp", "non_citizen", "no_identifiable_victim"}  # unchecked: absent (the default, false)
LINES = {"aliases", "discretion_factors"}  # one entry a line
BOOLEANS = {"related_to_trafficking", "request_hearing", "seal_affidavit", "use_initials"}
LIST_TEMPLATES: dict[str, dict[str, Any]] = {  # what "add" appends to each list the form can grow
    "trafficking.predicates": {"": ""},
    "trafficking.evidence": {"kind": ""},
    "records": {"docket_number": "", "charges": [{"statute": ""}]},
    "charges": {"statute": ""},
    "victims": {"name": ""},
}
INDEX = re.compile(r"\[(\d+)\]")


def field_id(path: str) -> str:
    """An HTML id for a field path: `records[0].court.kind` → `f-records-0-court-kind`."""
    return "f-" + re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-")


# ---------------------------------------------------------------- posted values → case data

def _set(tree: dict[str, Any], loc: tuple[str | int, ...], value: Any) -> None:
    node: Any = tree
    for part, following in zip(loc, loc[1:]):
        empty: Any = [] if isinstance(following, int) else {}
        if isinstance(part, int):
            while len(node) <= part:
                node.append(None)
            node[part] = node[part] if node[part] is not None else empty
            node = node[part]
        else:
            node = node.setdefault(part, empty)
    last = loc[-1]
    if isinstance(last, int):
        while len(node) <= last:
            node.append(None)
    node[last] = value


def _typed(name: str, value: str) -> Any:
    if name in BOOLEANS:
        return {"true": True, "false": False}.get(value, value)
    if name in NUMBERS:
        try:
            return int(value) if value.isdigit() else float(value)
        except ValueError:
            return value  # validate says "must be a number" beside the field
    return value


def _prune(value: Any) -> Any:
    """Drop what was left empty, so an untouched optional part of the form is simply absent."""
    if isinstance(value, dict):
        kept = {k: v for k, v in ((k, _prune(v)) for k, v in value.items()) if v not in (None, "", [], {})}
        return kept
    if isinstance(value, list):
        return [v for v in (_prune(v) for v in value) if v not in (None, "", [], {})]
    return value


COURT_PICK = re.compile(r"records\[(\d{1,3})\]\.court\.directory")


def court_choices() -> list[tuple[str, str]]:
    """The court directory's open courts, for the picker: (id, name)."""
    names = {"ga": "G.A. {number}", "jd": "Judicial district (Part A)", "juvenile": "Juvenile Matters"}
    return [(entry.id, f"{names[entry.kind].format(number=entry.number)} — {entry.location}")
            for entry in courts.choices()]


def court_id_of(court: Any) -> str:
    """The directory id of a record's court as entered, or "" when it is not (exactly) in the directory."""
    if not isinstance(court, dict):
        return ""
    for entry in courts.choices():
        if (entry.kind, entry.location) == (court.get("kind"), court.get("location")) and \
                (entry.number is None or entry.number == court.get("number")):
            return entry.id
    return ""


def _picked_courts(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A court chosen from the directory replaces the record's court kind, number and location."""
    picked: dict[str, Any] = {}
    for name, value in items:
        match = COURT_PICK.fullmatch(name)
        if match and value:
            try:
                picked[match.group(1)] = courts.by_id(value)
            except KeyError:
                continue
    if not picked:
        return items
    replaced = {f"records[{i}].court.{part}" for i in picked for part in ("kind", "number", "location")}
    kept = [(name, value) for name, value in items if name not in replaced]
    for i, entry in picked.items():
        kept += [(f"records[{i}].court.kind", entry.kind), (f"records[{i}].court.location", entry.location),
                 (f"records[{i}].court.number", str(entry.number) if entry.number is not None else "")]
    return kept


def form_to_case(items: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Posted (field path, value) pairs → case-file data (what was left empty is absent)."""
    tree: dict[str, Any] = {}
    for name, raw in _picked_courts(list(items)):
        if COURT_PICK.fullmatch(name):
            continue
        if name in ("csrf", "action") or not re.fullmatch(r"[a-z][a-z_]*(\[\d+\]|\.[a-z][a-z_]*)*", name):
            continue
        loc = split_path(name)
        if len(loc) > 12 or any(isinstance(p, int) and p > 500 for p in loc):
            continue
        value = raw.replace("\r\n", "\n").strip() if loc[-1] == "narrative" else raw.strip()
        if loc[-1] in LINES:
            _set(tree, loc, [line.strip() for line in value.splitlines() if line.strip()])
        elif loc[-1] in CHECKBOXES:
            _set(tree, loc, True if value == "true" else "")
        else:
            _set(tree, loc, _typed(str(loc[-1]), value))
    return _prune(tree)


def _drop_leaf(tree: Any, loc: tuple[str | int, ...]) -> None:
    """Remove the value a form field showed (a list entry becomes None, pruned later)."""
    node = tree
    try:
        for part in loc[:-1]:
            node = node[part]
        value = node[loc[-1]]
    except (KeyError, IndexError, TypeError):
        return
    if isinstance(value, dict) or (isinstance(value, list) and loc[-1] not in LINES):
        return  # a section: only its shown fields go
    if isinstance(node, dict):
        node.pop(loc[-1])
    else:
        node[loc[-1]] = None


def _merge(base: Any, posted: Any) -> Any:
    if isinstance(base, dict) and isinstance(posted, dict):
        return {**base, **{k: _merge(base.get(k), v) for k, v in posted.items()}}
    if isinstance(base, list) and isinstance(posted, list):
        return [_merge(base[i] if i < len(base) else None, v) for i, v in enumerate(posted)]
    return posted


def merge_form(stored: dict[str, Any], posted: dict[str, Any], shown: set[str]) -> dict[str, Any]:
    """The stored case with the form's fields replaced by what was posted: a shown field left empty goes,
    while fields the form does not show (under `extra`, or added by a newer version) are kept."""
    base = _copy(stored)
    for path in shown:
        _drop_leaf(base, split_path(path))
    return _prune(_merge(base, posted))


def apply_action(data: dict[str, Any], action: str) -> dict[str, Any]:
    """`add:<list path>` appends an empty entry, `remove:<item path>` removes one (the form's buttons)."""
    verb, _, path = action.partition(":")
    loc = split_path(path) if path else ()
    if not loc:
        return data
    if verb == "add":
        template = LIST_TEMPLATES.get(path) or LIST_TEMPLATES.get(str(loc[-1]))
        if template is None:
            return data
        node: Any = data
        for part in loc[:-1]:
            node = node[part] if isinstance(part, int) else node.setdefault(part, {})
        items = node.setdefault(loc[-1], [])
        items.append("" if "" in template else _copy(template))
    elif verb == "remove" and isinstance(loc[-1], int):
        node = data
        try:
            for part in loc[:-1]:
                node = node[part]
            node.pop(loc[-1])
        except (KeyError, IndexError, TypeError):
            pass
    return data


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


# ---------------------------------------------------------------- problems beside their fields

@dataclass
class Placed:
    """Problems by the field path whose input (or section) shows them."""

    by_path: dict[str, list[str]] = field(default_factory=dict)
    listing: list[tuple[str, str, str]] = field(default_factory=list)  # (field in words, anchor id, message)

    def at(self, path: str) -> list[str]:
        return self.by_path.get(path, [])


def rendered_paths(data: dict[str, Any]) -> set[str]:
    """Every field path and section path the form renders for this data."""
    paths = {"petitioner", "petitioner.address", "attorney", "attorney.address", "trafficking",
             "trafficking.predicates", "trafficking.evidence", "records", "filing"}
    paths |= {f.name for f in TOP}
    paths |= {f"petitioner.{f.name}" for f in PETITIONER} | {f"attorney.{f.name}" for f in ATTORNEY}
    paths |= {f"{p}.{a.name}" for p in ("petitioner.address", "attorney.address") for a in ADDRESS}
    paths |= {f"trafficking.{f.name}" for f in TRAFFICKING} | {"trafficking.period"}
    paths |= {f"filing.{f.name}" for f in FILING}
    trafficking = data.get("trafficking") or {}
    paths |= {f"trafficking.predicates[{i}]" for i in range(len(trafficking.get("predicates") or []))}
    for i in range(len(trafficking.get("evidence") or [])):
        paths |= {f"trafficking.evidence[{i}]"} | {f"trafficking.evidence[{i}].{f.name}" for f in EVIDENCE}
    for r, record in enumerate(data.get("records") or []):
        base = f"records[{r}]"
        paths |= {base, f"{base}.court", f"{base}.court.directory", f"{base}.charges"} | {f"{base}.{f.name}" for f in RECORD}
        paths |= {f"{base}.court.{f.name}" for f in COURT} | {f"{base}.prosecutor", f"{base}.prosecutor.address"}
        paths |= {f"{base}.prosecutor.{f.name}" for f in PROSECUTOR}
        paths |= {f"{base}.prosecutor.address.{a.name}" for a in ADDRESS}
        for c, charge in enumerate((record or {}).get("charges") or []):
            cbase = f"{base}.charges[{c}]"
            paths |= {cbase, f"{cbase}.victims"} | {f"{cbase}.{f.name}" for f in CHARGE}
            for v in range(len((charge or {}).get("victims") or [])):
                vbase = f"{cbase}.victims[{v}]"
                paths |= {vbase, f"{vbase}.name", f"{vbase}.address", f"{vbase}.notice"}
                paths |= {f"{vbase}.address.{a.name}" for a in ADDRESS} | {f"{vbase}.notice.{n.name}" for n in NOTICE}
    return paths


def anchor_for(path: str, shown: set[str]) -> str:
    """The id of the deepest part of the form that shows `path` ("problems" when none does)."""
    loc = split_path(path) if path else ()
    for end in range(len(loc), 0, -1):
        candidate = format_loc(loc[:end])
        if candidate in shown:
            return field_id(candidate)
    return "problems"


SECTION_WORDS = {"petitioner": "Petitioner", "attorney": "Attorney", "trafficking": "Trafficking", "filing": "Filing",
                 "records": "record", "charges": "charge", "victims": "victim", "evidence": "evidence",
                 "predicates": "predicate", "address": "address", "court": "court", "notice": "notice",
                 "period": "period", "prosecutor": "prosecutor"}
PLURALS = {"records": "court records", "charges": "charges", "victims": "victims", "evidence": "evidence",
           "predicates": "predicates"}
SPECS = {"": TOP, "petitioner": PETITIONER, "attorney": ATTORNEY, "trafficking": TRAFFICKING, "evidence": EVIDENCE,
         "records": RECORD, "court": COURT, "charges": CHARGE, "victims": VICTIM, "notice": NOTICE, "filing": FILING,
         "address": ADDRESS, "prosecutor": PROSECUTOR}
LABELS = {(f.name.split(".")[-2] if "." in f.name else section, f.name.split(".")[-1]): f.label
          for section, spec in SPECS.items() for f in spec}


def label_for(path: str) -> str:
    """A field path in words: `records[0].charges[1].offense_date` → "Record 1, charge 2: Offense date"."""
    words: list[str] = []
    section = ""
    loc = split_path(path) if path else ()
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(part, int):
            words[-1] = f"{SECTION_WORDS.get(str(loc[i - 1]), words[-1])} {part + 1}"
        elif last and (section, part) in LABELS:
            words.append(LABELS[(section, str(part))])
        elif last and part in PLURALS:
            words.append(PLURALS[str(part)])
        else:
            words.append(SECTION_WORDS.get(str(part), str(part).replace("_", " ")))
        section = str(part) if isinstance(part, str) else section
    if not words:
        return "The case"
    text = ", ".join(words[:-1]) + (": " if len(words) > 1 else "") + words[-1]
    return text[0].upper() + text[1:]


def place_problems(problems: Iterable[Any], data: dict[str, Any]) -> Placed:
    """Each problem goes beside the deepest rendered part of the form its path falls in."""
    shown = rendered_paths(data)
    placed = Placed()
    for problem in problems:
        loc = split_path(problem.path) if problem.path else ()
        target = next((format_loc(loc[:end]) for end in range(len(loc), 0, -1) if format_loc(loc[:end]) in shown), "")
        placed.by_path.setdefault(target, []).append(problem.message)
        placed.listing.append((label_for(problem.path), anchor_for(problem.path, shown), problem.message))
    return placed


def value_at(data: Any, path: str) -> Any:
    """The value at a field path, or "" when there is none (for filling in the form)."""
    node = data
    for part in split_path(path):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return ""
    if node is None:
        return ""
    if isinstance(node, bool):
        return "true" if node else "false"
    return node
