"""Which documents a case's filing packet holds, in filing order (the report's `documents` list).

Petitions are prepared per docket number, since each docket is its own court case; the cover letter and
the attorney review sheet are prepared once per case.
"""

from __future__ import annotations

from erasure_docs.model import Case
from erasure_docs.rules.outcome import ChargeOutcome, Report

VACATUR_DOCUMENTS = ["application_54_95c", "affidavit", "motion_to_seal", "victim_notice", "victim_hearing_notice",
                     "certification_of_notice",
                     "request_for_hearing", "proposed_order", "certification_of_service"]
VICTIM_NOTICES = {"victim_notice", "victim_hearing_notice"}  # one per victim, each to that victim alone
JUVENILE_DOCUMENTS = ["petition_46b_146", "affidavit_46b_146", "proposed_order_46b_146"]

TITLES = {
    "application_54_95c": "Application to Vacate Judgment of Conviction (C.G.S. § 54-95c)",
    "affidavit": "Affidavit of Applicant",
    "motion_to_seal": "Motion to Seal Affidavit (Practice Book § 42-49A)",
    "victim_notice": "Notice to Victim of Application to Vacate (C.G.S. § 54-95c(b))",
    "victim_hearing_notice": "Notice to Victim of Hearing on Application to Vacate",
    "certification_of_notice": "Certification of Notice to Victims",
    "request_for_hearing": "Request for Hearing",
    "proposed_order": "[Proposed] Order Vacating Conviction, Dismissing Charges and Ordering Erasure",
    "certification_of_service": "Certification of Service",
    "petition_46b_146": "Petition for Erasure of Juvenile Police and Court Records (C.G.S. § 46b-146)",
    "affidavit_46b_146": "Affidavit of Petitioner",
    "proposed_order_46b_146": "[Proposed] Order of Erasure of Juvenile Records",
    "cover_letter": "Cover Letter to the Clerk",
    "review_sheet": "Attorney Review Sheet (not for filing)",
    "filing_instructions": "Filing Instructions (attorney copy, not for filing)",
    "client_letter": "Letter to the Client (not filed)",
}
NOT_FILED = {"review_sheet", "filing_instructions", "client_letter"}  # the attorney's own papers: never bound into a filing


def docket_documents(case: Case, charges: list[ChargeOutcome]) -> list[str]:
    """The documents one docket needs, given its charges' outcomes."""
    eligible = [c for c in charges if c.status == "eligible"]
    if any(c.pathway == "46b-146" for c in eligible):
        return list(JUVENILE_DOCUMENTS)
    if not any(c.pathway == "54-95c" for c in eligible):
        return []
    wanted = set(VACATUR_DOCUMENTS)
    if not case.filing.seal_affidavit:
        wanted.discard("motion_to_seal")
    if not any(c.victim_notice_required for c in eligible):
        wanted -= {"victim_notice", "victim_hearing_notice", "certification_of_notice"}
    if case.filing.hearing_date is None:
        wanted.discard("victim_hearing_notice")
    if not case.filing.request_hearing:
        wanted.discard("request_for_hearing")
    return [d for d in VACATUR_DOCUMENTS if d in wanted]


def charges_by_docket(report: Report) -> dict[int, list[ChargeOutcome]]:
    grouped: dict[int, list[ChargeOutcome]] = {}
    for charge in report.charges:
        grouped.setdefault(charge.record_index, []).append(charge)
    return grouped


def planned_documents(case: Case, report: Report) -> list[str]:
    kinds: list[str] = []
    for charges in charges_by_docket(report).values():
        kinds += [d for d in docket_documents(case, charges) if d not in kinds]
    order = JUVENILE_DOCUMENTS + VACATUR_DOCUMENTS
    # A cover letter goes with anything to file; the review sheet is always written.
    return (["cover_letter"] if kinds else []) + sorted(kinds, key=order.index) + ["review_sheet"] + \
        (["filing_instructions"] if kinds else []) + ["client_letter"]
