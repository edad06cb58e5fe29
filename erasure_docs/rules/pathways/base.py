"""What a pathway is: the statute a record is cleared under, and everything downstream reads from it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from erasure_docs.rules.documents import REGISTRY, DocumentSpec
from erasure_docs.rules.facts import ChargeFacts, Decision
from erasure_docs.rules.outcome import PathwayId, PredicateOutcome

Judge = Callable[[ChargeFacts, tuple[PredicateOutcome, ...]], Decision]


@dataclass(frozen=True)
class Pathway:
    id: PathwayId
    statute: str  # as documents cite it, e.g. "C.G.S. § 54-95c"
    judge: Judge  # how it decides a charge the engine has sent to it
    party: str = "Petitioner"  # what its documents call the person: "Applicant" under § 54-95c
    relief_wording: str | None = None  # what the packet asks the court for; None: nothing is filed (automatic)
    confirm: tuple[str, ...] = ()  # what the review sheet asks counsel to confirm when a charge is eligible

    @property
    def documents(self) -> tuple[DocumentSpec, ...]:
        """The documents it files, from the one registry (rules/documents.py)."""
        return tuple(spec for spec in REGISTRY if spec.pathway is self.id)
