"""The one registry of documents, and the planner that decides which a case's packet holds.

Each row says what a document is: its kind (the template's name), title, the pathway it belongs to (None:
it goes with any filing), whether there is one per case, per court, per docket or per victim, whether it is
filed with the court, whether it is filed under seal (when the case asks for sealing), the extra context
sections its template receives (context.py, SECTIONS), when a docket needs it, and what the review sheet
asks counsel to confirm when it is in the packet. The planner, the manifest, the cover letter, the filing
summary, the review sheet and `templates check` all read this table.

Adding a document = a template source (templates/source/<kind>.yaml) + one row here (+ its tests).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from erasure_docs import courts
from erasure_docs.model import Case, CourtKind, Record
from erasure_docs.rules.outcome import ChargeOutcome, DocumentRef, PathwayId, Status


class Scope(StrEnum):
    case = "case"  # one per case (the review sheet)
    court = "court"  # one per court the packet goes to (the cover letter)
    docket = "docket"  # one per docket number petitioned
    victim = "victim"  # one per victim to be notified, within a docket


# When a docket needs a document, given the case and the docket's eligible charges.
Need = Callable[[Case, Sequence[ChargeOutcome]], bool]


def _always(case: Case, eligible: Sequence[ChargeOutcome]) -> bool:
    return True


def _sealing(case: Case, eligible: Sequence[ChargeOutcome]) -> bool:
    return case.filing.seal_affidavit


def _victims_notified(case: Case, eligible: Sequence[ChargeOutcome]) -> bool:
    return any(c.victim_notice_required for c in eligible)


def _hearing_set(case: Case, eligible: Sequence[ChargeOutcome]) -> bool:
    return _victims_notified(case, eligible) and case.filing.hearing_date is not None


def _hearing(case: Case, eligible: Sequence[ChargeOutcome]) -> bool:
    return case.filing.request_hearing


@dataclass(frozen=True)
class DocumentSpec:
    kind: str
    title: str
    pathway: PathwayId | None
    scope: Scope
    filed: bool = True
    sealed: bool = False
    context: tuple[str, ...] = ()
    needed: Need = _always
    confirm: str = ""


VACATUR, JUVENILE = PathwayId.vacatur, PathwayId.juvenile

# In filing order: the order of a court's papers, and of the report's `documents`.
REGISTRY: tuple[DocumentSpec, ...] = (
    DocumentSpec("cover_letter", "Cover Letter to the Clerk", None, Scope.court, context=("cover_letter",)),
    DocumentSpec("petition_46b_146",
                 "Petition for Erasure of Juvenile Police and Court Records (C.G.S. § 46b-146)", JUVENILE,
                 Scope.docket),
    DocumentSpec("affidavit_46b_146", "Affidavit of Petitioner", JUVENILE, Scope.docket, sealed=True,
                 context=("affidavit",)),
    DocumentSpec("proposed_order_46b_146", "[Proposed] Order of Erasure of Juvenile Records", JUVENILE,
                 Scope.docket),
    DocumentSpec("application_54_95c", "Application to Vacate Judgment of Conviction (C.G.S. § 54-95c)", VACATUR,
                 Scope.docket),
    DocumentSpec("affidavit", "Affidavit of Applicant", VACATUR, Scope.docket, sealed=True, context=("affidavit",)),
    DocumentSpec("motion_to_seal", "Motion to Seal Affidavit (Practice Book § 42-49A)", VACATUR, Scope.docket,
                 needed=_sealing),
    DocumentSpec("victim_notice", "Notice to Victim of Application to Vacate (C.G.S. § 54-95c(b))", VACATUR,
                 Scope.victim, filed=False, context=("victim",), needed=_victims_notified,
                 confirm="Victim notice: use the form prescribed by the Office of the Chief Court Administrator "
                         "where one exists; confirm every victim's current address; mail by registered or "
                         "certified mail and record the tracking numbers before filing the certification."),
    DocumentSpec("victim_hearing_notice", "Notice to Victim of Hearing on Application to Vacate", VACATUR,
                 Scope.victim, filed=False, context=("victim",), needed=_hearing_set),
    DocumentSpec("certification_of_notice", "Certification of Notice to Victims", VACATUR, Scope.docket,
                 needed=_victims_notified),
    DocumentSpec("request_for_hearing", "Request for Hearing", VACATUR, Scope.docket, needed=_hearing),
    DocumentSpec("proposed_order", "[Proposed] Order Vacating Conviction, Dismissing Charges and Ordering Erasure",
                 VACATUR, Scope.docket),
    DocumentSpec("certification_of_service", "Certification of Service", VACATUR, Scope.docket),
    DocumentSpec("review_sheet", "Attorney Review Sheet (not for filing)", None, Scope.case, filed=False,
                 context=("review",)),
    DocumentSpec("filing_instructions", "Filing Instructions (attorney copy, not for filing)", None, Scope.court,
                 filed=False, context=("instructions",)),
    DocumentSpec("client_letter", "Letter to the Client (not filed)", None, Scope.case, filed=False,
                 context=("letter",)),
)

SPECS: dict[str, DocumentSpec] = {spec.kind: spec for spec in REGISTRY}
VICTIM_NOTICES = {s.kind for s in REGISTRY if s.scope is Scope.victim}  # one per victim, each to that victim alone
TITLES: dict[str, str] = {spec.kind: spec.title for spec in REGISTRY}


def spec(kind: str) -> DocumentSpec:
    return SPECS[kind]


def sealed_kinds(case: Case) -> set[str]:
    """Documents submitted in their own sealed envelope, never bound (only when the case asks for sealing): the
    affidavits, which hold the trafficking narrative (the § 54-95c one with a motion to seal; the juvenile one, a
    confidential record under § 46b-124, so that the account never sits loose in a court file)."""
    return {s.kind for s in REGISTRY if s.sealed} if case.filing.seal_affidavit else set()


def is_filed(case: Case, ref: DocumentRef) -> bool:
    """Bound into its court's filing set: not a victim notice (mailed), not the review sheet (the attorney's),
    not a sealed document."""
    return SPECS[ref.kind].filed and ref.kind not in sealed_kinds(case)


def court_key(record: Record) -> tuple[str, int | None, str]:
    """The court a docket's papers go to: a closed court's dockets go with its successor's."""
    if record.court.kind is CourtKind.federal:
        return (record.court.kind.value, record.court.number, record.court.location)
    entry = courts.lookup(record.court)
    return (entry.kind, entry.number, entry.location)


def charges_by_docket(charges: Sequence[ChargeOutcome]) -> dict[int, list[ChargeOutcome]]:
    grouped: dict[int, list[ChargeOutcome]] = {}
    for charge in charges:
        grouped.setdefault(charge.record_index, []).append(charge)
    return grouped


def docket_documents(case: Case, charges: Sequence[ChargeOutcome]) -> list[DocumentSpec]:
    """The documents one docket needs: those of the first pathway (in PathwayId order) any of its charges is
    eligible under that files documents."""
    eligible = [c for c in charges if c.status is Status.eligible]
    for pathway in PathwayId:
        specs = [s for s in REGISTRY if s.pathway is pathway and s.scope in (Scope.docket, Scope.victim)]
        if specs and any(c.pathway is pathway for c in eligible):
            return [s for s in specs if s.needed(case, eligible)]
    return []


def plan(case: Case, charges: Sequence[ChargeOutcome]) -> tuple[DocumentRef, ...]:
    """Every document instance, in filing order: for each court, its cover letter and each docket's documents
    (one victim notice per victim to notify); then the review sheet."""
    by_court: dict[tuple[str, int | None, str], list[DocumentRef]] = {}
    for record_index, docket_charges in charges_by_docket(charges).items():
        record = case.records[record_index]
        victims = sum(len(record.charges[c.index].victims) for c in docket_charges if c.victim_notice_required)
        for document in docket_documents(case, docket_charges):
            refs = by_court.setdefault(court_key(record), [])
            if document.scope is Scope.victim:
                refs += [DocumentRef(document.kind, record_index, v) for v in range(victims)]
            else:
                refs.append(DocumentRef(document.kind, record_index))
    planned: list[DocumentRef] = []
    per_court = [s.kind for s in REGISTRY if s.scope is Scope.court]
    for court, refs in by_court.items():
        planned += [DocumentRef(kind, court=court) for kind in per_court] + refs
    planned += [DocumentRef(s.kind) for s in REGISTRY if s.scope is Scope.case]
    return tuple(planned)


def document_kinds(planned: Sequence[DocumentRef]) -> tuple[str, ...]:
    """The kinds a plan holds, in registry order (the report's `documents`)."""
    present = {ref.kind for ref in planned}
    return tuple(s.kind for s in REGISTRY if s.kind in present)
