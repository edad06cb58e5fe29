"""The case file's cross-field rules, written once over plain data.

They run on a valid case (from `Case`'s model validator) and, when some field of a file is invalid, on the
raw data too, so that a file's every problem is reported at once rather than one layer at a time. Values
that cannot be read are skipped here: the field rules report those.
"""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace
from typing import Any, Iterator

from erasure_docs import courts

Problems = list[tuple[str, str]]

JUVENILE_DISPOSITIONS = {"adjudicated_delinquent", "fwsn", "statement_of_responsibility"}
PAST_DATES = {"date_of_birth", "date_of_birth_on_record", "start", "end", "arrest_date", "offense_date", "disposition_date", "discharge_date",
              "mailed_on", "date"}


def as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def items(value: Any) -> list[dict]:
    return [v if isinstance(v, dict) else {} for v in value] if isinstance(value, list) else []


def normalise_docket(docket: str) -> str:
    """Two docket numbers are the same docket when their letters and digits agree, whatever the case: the
    file names of a docket's papers keep only those (and '-'), and some disks ignore case."""
    return re.sub(r"[^A-Za-z0-9]", "", docket).upper()


# The most one case may hold in all (model.py has the per-list maxima; docs/case-file.md lists them all).
MAX_CHARGES, MAX_VICTIMS = 200, 100


def size_problems(data: dict) -> Problems:
    charges = [charge for record in items(data.get("records")) for charge in items(record.get("charges"))]
    victims = sum(len(items(charge.get("victims"))) for charge in charges)
    found: Problems = []
    if len(charges) > MAX_CHARGES:
        found.append(("records", f"hold {len(charges)} charges in all; a case may hold at most {MAX_CHARGES} "
                                 "(split it into several cases)"))
    if victims > MAX_VICTIMS:
        found.append(("records", f"name {victims} victims in all; a case may name at most {MAX_VICTIMS} "
                                 "(split it into several cases)"))
    return found


def dated_fields(data: dict) -> Iterator[tuple[str, dt.date]]:
    """Every date the case states as a past fact (filing.date may lie ahead)."""
    def walk(node: Any, path: str) -> Iterator[tuple[str, dt.date]]:
        if isinstance(node, dict):
            for key, value in node.items():
                where = f"{path}.{key}" if path else str(key)
                if where in ("filing", "extra", "as_of"):
                    continue
                if key in PAST_DATES and as_date(value):
                    yield where, as_date(value)  # type: ignore[misc]
                else:
                    yield from walk(value, where)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                yield from walk(value, f"{path}[{i}]")
    yield from walk(data, "")


def charge_problems(charge: dict, where: str, proceeding: Any, arrest: dt.date | None,
                    born: dt.date | None) -> Problems:
    found: Problems = []
    offense, disposed = as_date(charge.get("offense_date")), as_date(charge.get("disposition_date"))
    discharged, disposition = as_date(charge.get("discharge_date")), charge.get("disposition")
    disposition = disposition if isinstance(disposition, str) else None  # other types: the field rules say so
    if offense and disposed and disposed < offense:
        found.append((f"{where}.disposition_date", f"{disposed} is before offense_date {offense}"))
    if disposed and discharged and discharged < disposed:
        found.append((f"{where}.discharge_date", f"{discharged} is before disposition_date {disposed}"))
    if arrest and disposed and disposed < arrest:
        found.append((f"{where}.disposition_date", f"{disposed} is before arrest_date {arrest}"))
    if offense and born and offense < born:
        found.append((f"{where}.offense_date", f"{offense} is before the petitioner's date_of_birth"))
    if charge.get("no_identifiable_victim") is True and charge.get("victims"):
        found.append((f"{where}.no_identifiable_victim", "is true, but victims are listed; keep one or the other"))
    if proceeding in ("adult", "juvenile", "youthful_offender"):
        if disposition in JUVENILE_DISPOSITIONS and proceeding != "juvenile":
            found.append((f"{where}.disposition",
                          f"'{disposition}' is a juvenile disposition, but proceeding is '{proceeding}'"))
        if disposition == "convicted" and proceeding != "adult":
            found.append((f"{where}.disposition",
                          f"'convicted' is only for adult proceedings, but proceeding is '{proceeding}'"))
        if disposition == "youthful_offender" and proceeding != "youthful_offender":
            found.append((f"{where}.disposition",
                          f"'youthful_offender' needs proceeding 'youthful_offender', not '{proceeding}'"))
    return found


def record_problems(record: dict, where: str, born: dt.date | None) -> Problems:
    found: Problems = []
    court = mapping(record.get("court"))
    if court.get("kind") == "ga" and court.get("number") is None:
        found.append((f"{where}.court.number", "is required when court kind is 'ga' (the G.A. number, e.g. 14)"))
    else:
        found += [(f"{where}.{path}", message) for path, message in court_checks(record)[0]]
    arrest = as_date(record.get("arrest_date"))
    for j, charge in enumerate(items(record.get("charges"))):
        found += charge_problems(charge, f"{where}.charges[{j}]", record.get("proceeding"), arrest, born)
    return found


def court_checks(record: dict) -> tuple[Problems, Problems]:
    """(problems, warnings) from the court directory for one record's court and docket number."""
    court = mapping(record.get("court"))
    kind, number, location = court.get("kind"), court.get("number"), court.get("location")
    if kind not in courts.KINDS or not isinstance(location, str) or not 0 < len(location.strip()) <= 200:
        return [], []  # the field rules report these; federal courts are not in the directory
    if number is not None and (not isinstance(number, int) or isinstance(number, bool)):
        return [], []
    docket = record.get("docket_number")
    return courts.court_findings(SimpleNamespace(kind=kind, number=number, location=location.strip()),
                                 docket if isinstance(docket, str) else None)


def cross_field_problems(data: dict) -> Problems:
    """Every cross-field problem in a case's data (raw or validated), each with its field path."""
    found: Problems = []
    born = as_date(mapping(data.get("petitioner")).get("date_of_birth"))
    period = mapping(mapping(data.get("trafficking")).get("period"))
    start, end = as_date(period.get("start")), as_date(period.get("end"))
    if start and end and end < start:
        found.append(("trafficking.period.end", f"{end} is before start {start}"))
    seen: dict[str, int] = {}
    for i, record in enumerate(items(data.get("records"))):
        found += record_problems(record, f"records[{i}]", born)
        docket = record.get("docket_number")
        if isinstance(docket, str) and docket.strip():
            key = normalise_docket(docket)
            if key in seen:
                found.append((f"records[{i}].docket_number",
                              f"is the same docket as records[{seen[key]}].docket_number (only letters and digits "
                              "count, in either case); list each docket once"))
            seen.setdefault(key, i)
    found += size_problems(data)
    filing = mapping(data.get("filing"))
    filed, hearing = as_date(filing.get("date")), as_date(filing.get("hearing_date"))
    if filed and hearing and hearing < filed:
        found.append(("filing.hearing_date", f"{hearing} is before the filing date {filed}"))
    as_of = as_date(data.get("as_of")) or dt.date.today()
    for path, value in dated_fields(data):
        if value > as_of:
            shown = "the date" if path == "petitioner.date_of_birth" else str(value)
            found.append((path, f"{shown} is after as_of {as_of}"))
    return found
