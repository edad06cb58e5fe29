"""What the attorney does with each court's papers, and where papers meet another case.

`court_instructions` is the context of the filing-instructions page of one court (in the attorney's copy):
the clerk's name and address from the court directory (courts.py), the papers to file in order, what to add
that the tool does not make, how to deliver a sealed affidavit, the victim-notice steps, what to bring to the
hearing, and what to do after the order. `crossing_warnings` lists, for the review sheet, every affidavit or
application read by a court or a prosecuting office that also has a pending case of the client, and every
narrative read in an adult court while the case has juvenile or erased records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from erasure_docs import courts
from erasure_docs.model import Case, CourtKind, Disposition, Record
from erasure_docs.rules.documents import TITLES, VICTIM_NOTICES, charges_by_docket, docket_documents
from erasure_docs.rules.outcome import Report

# Affidavits and applications: what a court or a prosecutor reads the client's own account in.
ACCOUNTS = {"application_54_95c": "application", "affidavit": "affidavit", "petition_46b_146": "petition",
            "affidavit_46b_146": "affidavit"}
MAILED = set(VICTIM_NOTICES)  # mailed to each victim, never filed
ERASED_BY_LAW = {Disposition.dismissed, Disposition.nolle, Disposition.not_guilty, Disposition.youthful_offender}
SEALED_LABEL = "Lodged conditionally under seal pending the Court's ruling on the motion to seal"


@dataclass(frozen=True)
class Where:
    """Who reads a docket's papers: the court (directory row id, or the case file's court) and the office
    that prosecutes there."""

    court: str
    court_name: str
    prosecutor: str


def where(record: Record, filing: Any) -> Where:
    key = f"{record.court.kind.value}:{record.court.number}:{record.court.location}".lower()
    if record.court.kind is CourtKind.federal:
        return Where(key, f"United States District Court ({record.court.location})", f"{key}:federal")
    entry = _entry(record)
    if entry is None:
        return Where(key, record.court.location, f"{key}:prosecutor")
    office = courts.prosecutor_for(record, filing)
    return Where(entry.id, entry.name, office.name if office else f"{entry.id}:prosecutor")


def pending_records(case: Case) -> list[int]:
    return [i for i, r in enumerate(case.records) if any(c.disposition is Disposition.pending for c in r.charges)]


def crossing_warnings(case: Case, planned: dict[int, list[str]]) -> list[str]:
    """Review-sheet warnings; `planned` maps each petitioned docket (record index) to its document kinds."""
    warnings = []
    pending = pending_records(case)
    # Confidential in an adult court: juvenile and youthful-offender matters (petitioned or not), and
    # records already erased by law.
    hidden = [i for i, r in enumerate(case.records) if r.court.kind is CourtKind.juvenile
              or r.proceeding.value != "adult" or all(c.disposition in ERASED_BY_LAW for c in r.charges)]
    for index, kinds in planned.items():
        record, papers = case.records[index], [ACCOUNTS[k] for k in kinds if k in ACCOUNTS]
        if not papers:
            continue
        papers_text = " and the ".join(dict.fromkeys(papers))
        here = where(record, case.filing)
        for other in pending:
            if other == index:
                continue
            there = where(case.records[other], case.filing)
            pending_docket = case.records[other].docket_number
            if here.court == there.court:
                warnings.append(f"Docket {record.docket_number}: the {papers_text} will be read by the "
                                f"{here.court_name}, where {pending_docket} is pending, and by the office "
                                f"prosecuting {pending_docket} ({here.prosecutor}): review the narrative for "
                                "admissions before filing.")
            elif here.prosecutor == there.prosecutor:
                warnings.append(f"Docket {record.docket_number}: the {papers_text} will be read by the office "
                                f"prosecuting {pending_docket} ({here.prosecutor}): review the narrative for "
                                "admissions before filing.")
        if record.court.kind is not CourtKind.juvenile and case.trafficking.narrative:
            others = [case.records[i].docket_number for i in hidden]
            if others:
                warnings.append(f"Docket {record.docket_number}: the affidavit's narrative will be read in an "
                                f"adult court ({here.court_name}) while the case also has juvenile or erased "
                                f"records ({', '.join(others)}): decide what of them the narrative may mention.")
    return warnings


def planned_by_docket(case: Case, report: Report) -> dict[int, list[str]]:
    """Each petitioned docket's document kinds, in filing order (record index → kinds)."""
    planned = {i: [spec.kind for spec in docket_documents(case, charges)]
               for i, charges in charges_by_docket(report.charges).items()}
    return {i: kinds for i, kinds in planned.items() if kinds}


def court_instructions(case: Case, planned: dict[int, list[str]], dockets: dict[int, dict[str, Any]],
                       captions: dict[int, str], warnings: list[str]) -> dict[str, Any]:
    """The filing-instructions page of one court (its name, clerk and prosecutor are the common context's):
    `planned` holds the court's petitioned dockets (record index → document kinds in filing order),
    `dockets` their `docket` contexts (agencies, victims), `captions` each docket's caption in one line."""
    records = list(planned)
    documents = [(kind, index) for index, kinds in planned.items() for kind in kinds]
    entry = _entry(case.records[records[0]])
    sealed = case.filing.seal_affidavit
    vacatur = any(kind == "application_54_95c" for kind, _ in documents)
    lines = [{"number": case.records[i].docket_number, "caption": captions[i], "agencies": dockets[i]["agencies"],
              "sealed": sealed and "motion_to_seal" in planned[i], "victims": len(dockets[i]["victims"]),
              "mailed": sum(1 for v in dockets[i]["victims"] if v["mailed"])} for i in records]
    numbers = {case.records[i].docket_number for i in records}
    return {
        "verified": bool(entry and entry.verified),
        "juvenile": case.records[records[0]].court.kind is CourtKind.juvenile,
        "dockets": lines,
        "documents": [{"title": TITLES["cover_letter"], "docket_number": "", "sealed": False}] +
                     [{"title": TITLES[kind], "docket_number": case.records[index].docket_number,
                       "sealed": sealed and kind == "affidavit"} for kind, index in documents if kind not in MAILED],
        "any_sealed": any(d["sealed"] for d in lines),
        "any_victims": any(d["victims"] for d in lines),
        "hearing": vacatur and case.filing.request_hearing,
        "sealed_label": SEALED_LABEL,
        "warnings": [w for w in warnings if any(w.startswith(f"Docket {number}:") for number in numbers)],
    }


def _entry(record: Record) -> courts.CourtEntry | None:
    try:
        return courts.lookup(record.court)
    except courts.UnknownCourt:
        return None
