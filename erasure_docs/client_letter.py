"""What the letter to the client says about the case (the `letter` value of its context).

Only what the client already knows: the client's name as given in the case file, the courts and docket
numbers of the papers, which steps apply, and how to reach the attorney. Never the narrative, a victim's name
or address, or the eligibility analysis.
"""

from __future__ import annotations

from typing import Any

from erasure_docs import i18n
from erasure_docs.model import Case, CourtKind, Record
from erasure_docs.rules.outcome import ChargeOutcome, Report

FILED_PATHWAYS = {"54-95c", "46b-146"}  # the pathways a petition is filed for (the others happen by law)


def pathway_of(charge: ChargeOutcome) -> str:
    return str(getattr(charge.pathway, "value", charge.pathway) or "")


def petitioned(charge: ChargeOutcome) -> bool:
    return str(getattr(charge.status, "value", charge.status)) == "eligible" and pathway_of(charge) in FILED_PATHWAYS


def court_line(record: Record) -> str:
    """'Superior Court, G.A. 23, New Haven': the court's own name, the same in every language."""
    court = record.court
    if court.kind is CourtKind.ga:
        name = f"Superior Court, G.A. {court.number}"
    elif court.kind is CourtKind.jd:
        name = f"Superior Court, Judicial District of {court.location}"
    else:
        name = "Superior Court for Juvenile Matters"
    return f"{name}, {court.location}"


def letter_context(case: Case, report: Report) -> dict[str, Any]:
    language = i18n.letter_language(case.petitioner.language)
    filed = [c for c in report.charges if petitioned(c)]
    courts: dict[str, list[str]] = {}
    for record_index in dict.fromkeys(c.record_index for c in filed):
        record = case.records[record_index]
        courts.setdefault(court_line(record), []).append(record.docket_number)
    vacatur = any(pathway_of(c) == "54-95c" for c in filed)
    attorney = case.attorney
    contact = ({"name": attorney.name, "firm": attorney.firm or "", "phone": attorney.phone or "",
                "email": attorney.email or ""} if attorney else {"name": "", "firm": "", "phone": "", "email": ""})
    return {
        "language": language,
        "date": i18n.long_date(case.filing_date, language),
        "client_name": case.petitioner.full_name,
        "has_attorney": attorney is not None,
        "courts": [{"name": name, "dockets": ", ".join(dockets)} for name, dockets in courts.items()],
        "vacatur": vacatur,
        "juvenile": any(pathway_of(c) == "46b-146" for c in filed),
        "sealed": vacatur and case.filing.seal_affidavit,
        "victim_notice": any(c.victim_notice_required for c in filed if pathway_of(c) == "54-95c"),
        "hearing": vacatur and case.filing.request_hearing,
        "others": len(filed) < len(report.charges),
        "contact": contact,
    }
