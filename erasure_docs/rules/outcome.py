"""What the rules produce: reasons, per-predicate and per-charge outcomes, and the eligibility report
(../shared/spec/check-output.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal["eligible", "not_eligible", "needs_review", "automatic"]
STATUSES: tuple[Status, ...] = ("eligible", "not_eligible", "needs_review", "automatic")

# A rule's verdict on one requirement: it holds, it fails, or a deciding fact is missing or uncertain.
PASS, FAIL, REVIEW, INFO = "pass", "fail", "review", "info"


@dataclass(frozen=True)
class Reason:
    rule: str  # stable id, e.g. "vacatur.class_eligible"
    text: str  # a sentence a client could understand
    cite: str  # the statute subsection (or act) it rests on


@dataclass(frozen=True)
class Finding:
    """One rule applied to one charge."""

    verdict: str
    reason: Reason
    flags: tuple[str, ...] = ()
    unverified: bool = False  # decided by a table row or parameter not yet verified against a primary source


@dataclass
class PredicateOutcome:
    input: str
    citation: str
    jurisdiction: str
    qualifies: bool
    reasons: list[Reason]
    unverified: bool = False


@dataclass
class ChargeOutcome:
    docket_number: str
    index: int
    input_statute: str
    citation: str
    jurisdiction: str
    offense_class: str | None
    age_at_offense: int | None
    status: Status
    pathway: str | None
    relief: str | None
    victim_notice_required: bool
    erasure_date: dt.date | None
    flags: list[str]
    reasons: list[Reason]
    record_index: int = 0  # position of the record in the case (not part of the JSON report)
    why: str = ""  # the deciding reason in one sentence, for tables (not part of the JSON report)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("record_index")
        data.pop("why")
        data["erasure_date"] = self.erasure_date.isoformat() if self.erasure_date else None
        return data


@dataclass
class Report:
    case_id: str
    as_of: dt.date
    rules_version: str
    predicates: list[PredicateOutcome]
    predicate_qualifies: bool
    charges: list[ChargeOutcome]
    documents: list[str] = field(default_factory=list)
    readiness: Any = None  # readiness.Readiness, set by the engine once the documents are planned

    @property
    def summary(self) -> dict[str, int]:
        return {status: sum(c.status == status for c in self.charges) for status in STATUSES}

    def to_json(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "as_of": self.as_of.isoformat(),
            "rules_version": self.rules_version,
            "predicates": [{k: v for k, v in asdict(p).items() if k != "unverified"} for p in self.predicates],
            "predicate_qualifies": self.predicate_qualifies,
            "charges": [c.to_json() for c in self.charges],
            "summary": self.summary,
            "documents": self.documents,
            **({"readiness": self.readiness.to_json()} if self.readiness is not None else {}),
        }
