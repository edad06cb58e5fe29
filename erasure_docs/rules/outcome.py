"""What the rules produce: reasons, per-predicate and per-charge outcomes, and the eligibility report
(docs/eligibility-report.md). Every outcome is frozen once made; the enums' values are the report's JSON
strings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from erasure_docs.readiness import Readiness


class Status(StrEnum):
    eligible = "eligible"
    not_eligible = "not_eligible"
    needs_review = "needs_review"
    automatic = "automatic"


STATUSES: tuple[Status, ...] = tuple(Status)


class PathwayId(StrEnum):
    """The statute a record is cleared under (rules/pathways/ holds one module per pathway)."""

    juvenile = "46b-146"
    vacatur = "54-95c"
    erasure = "54-142a"
    youthful_offender = "54-76o"


class Relief(StrEnum):
    mandatory = "mandatory"
    discretionary = "discretionary"
    automatic = "automatic"


class Verdict(StrEnum):
    """A rule's verdict on one requirement: it holds, it fails, a deciding fact is missing or uncertain, or it
    only informs."""

    passes = "pass"
    fails = "fail"
    review = "review"
    info = "info"


PASS, FAIL, REVIEW, INFO = Verdict.passes, Verdict.fails, Verdict.review, Verdict.info


@dataclass(frozen=True)
class Reason:
    rule: str  # stable id, e.g. "vacatur.class_eligible"
    text: str  # a sentence a client could understand
    cite: str  # the statute subsection (or act) it rests on

    def to_json(self) -> dict[str, str]:
        return {"rule": self.rule, "text": self.text, "cite": self.cite}


@dataclass(frozen=True)
class Finding:
    """One rule applied to one charge."""

    verdict: Verdict
    reason: Reason
    flags: tuple[str, ...] = ()
    unverified: bool = False  # decided by a table row or parameter not yet verified against a primary source


@dataclass(frozen=True)
class PredicateOutcome:
    input: str
    citation: str
    jurisdiction: str
    qualifies: bool
    reasons: tuple[Reason, ...]
    unverified: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"input": self.input, "citation": self.citation, "jurisdiction": self.jurisdiction,
                "qualifies": self.qualifies, "reasons": [r.to_json() for r in self.reasons]}


@dataclass(frozen=True)
class ChargeOutcome:
    docket_number: str
    index: int
    input_statute: str
    citation: str
    jurisdiction: str
    offense_class: str | None
    age_at_offense: int | None
    status: Status
    pathway: PathwayId | None
    relief: Relief | None
    victim_notice_required: bool
    erasure_date: dt.date | None
    flags: tuple[str, ...]
    reasons: tuple[Reason, ...]
    record_index: int = 0  # position of the record in the case (not part of the JSON report)
    why: str = ""  # the deciding reason in one sentence, for tables (not part of the JSON report)

    def to_json(self) -> dict[str, Any]:
        return {"docket_number": self.docket_number, "index": self.index, "input_statute": self.input_statute,
                "citation": self.citation, "jurisdiction": self.jurisdiction, "offense_class": self.offense_class,
                "age_at_offense": self.age_at_offense, "status": self.status.value,
                "pathway": self.pathway.value if self.pathway else None,
                "relief": self.relief.value if self.relief else None,
                "victim_notice_required": self.victim_notice_required,
                "erasure_date": self.erasure_date.isoformat() if self.erasure_date else None,
                "flags": list(self.flags), "reasons": [r.to_json() for r in self.reasons]}


@dataclass(frozen=True)
class DocumentRef:
    """One document of a packet: its kind, and the docket (record index), victim or court it is for."""

    kind: str
    record: int | None = None
    victim: int | None = None  # index into the docket's notified victims, for victim notices
    court: tuple[str, int | None, str] | None = None  # the court a cover letter goes to (see court_key)


@dataclass(frozen=True)
class Report:
    case_id: str
    as_of: dt.date
    rules_version: str
    predicates: tuple[PredicateOutcome, ...]
    predicate_qualifies: bool
    charges: tuple[ChargeOutcome, ...]
    planned: tuple[DocumentRef, ...] = ()  # every document instance, in filing order (rules/documents.py)
    documents: tuple[str, ...] = ()  # the kinds `planned` holds, in filing order (the report's `documents`)
    readiness: Readiness | None = None  # ready to file, or its blockers and warnings (readiness.py)

    @property
    def summary(self) -> dict[str, int]:
        return {status.value: sum(c.status is status for c in self.charges) for status in STATUSES}

    def to_json(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "as_of": self.as_of.isoformat(),
            "rules_version": self.rules_version,
            "predicates": [p.to_json() for p in self.predicates],
            "predicate_qualifies": self.predicate_qualifies,
            "charges": [c.to_json() for c in self.charges],
            "summary": self.summary,
            "documents": list(self.documents),
            **({"readiness": self.readiness.to_json()} if self.readiness is not None else {}),
        }
