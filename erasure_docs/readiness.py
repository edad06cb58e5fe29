"""Is a case's packet ready to file? Either yes, or the exact facts still missing.

`assess(case, report)` looks at what the packet will say and lists:

- **blockers**: a fact a filed paper would need and does not have (no account for the affidavit, no address
  for whoever signs or is served, victims neither listed nor ruled out, notices not yet mailed, …). A packet
  with blockers is still written, but every page carries the draft mark and the review sheet opens with them.
- **warnings**: things counsel must weigh that do not stop the filing (charges left out as `needs_review`,
  unverified law deciding an outcome, a discretionary application with no factors given, …).

Each item is `(id, path, message)`: a stable id (docs/readiness.md lists them all; ids never change meaning),
the case-file field to supply or review, and a plain sentence saying what to do. Messages name dockets,
charge numbers and citations, never a person: they are printed by `check` and in batch summaries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from erasure_docs import courts
from erasure_docs.model import Case
from erasure_docs.rules.outcome import ChargeOutcome, Report

DRAFT_MARK = "DRAFT — NOT READY TO FILE"

# Every id, with what it means (the single list docs/readiness.md and the tests follow).
BLOCKERS = {
    "narrative_missing": "an affidavit is prepared but trafficking.narrative is empty",
    "evidence_missing": "something is filed but trafficking.evidence lists nothing",
    "signer_address_missing": "whoever signs (attorney or self-represented petitioner) has no address",
    "prosecutor_address_missing": "the State's Attorney served has no address",
    "victims_not_stated": "an eligible conviction for an offense that usually has a victim, with no victims "
                          "listed and no statement that there is no identifiable victim",
    "victim_address_missing": "a victim to be given notice has no address",
    "victim_notice_not_mailed": "a victim's § 54-95c(b) notice is not yet recorded as mailed",
    "victim_notice_tracking_missing": "a recorded mailing has no tracking number",
    "juvenile_discharge_unknown": "a juvenile record petitioned under § 46b-146 has no discharge date",
}
WARNINGS = {
    "charge_needs_review": "a charge is left out of the papers until counsel decides it",
    "unverified_law": "a law-table row or parameter not yet verified decided an outcome",
    "discretion_factors_missing": "discretionary vacatur is sought with no discretion factors given",
    "evidence_author_missing": "a law-enforcement declaration does not say who made it",
    "non_citizen": "the client is not a U.S. citizen: immigration consequences of vacatur and of sworn admissions",
}


class Item(NamedTuple):
    id: str
    path: str
    message: str


@dataclass(frozen=True)
class Readiness:
    blockers: tuple[Item, ...]
    warnings: tuple[Item, ...]

    @property
    def ready(self) -> bool:
        return not self.blockers

    def to_json(self) -> dict[str, Any]:
        return {"ready": self.ready,
                "blockers": [item._asdict() for item in self.blockers],
                "warnings": [item._asdict() for item in self.warnings]}


def charge_path(outcome: ChargeOutcome) -> str:
    return f"records[{outcome.record_index}].charges[{outcome.index}]"


def charge_name(outcome: ChargeOutcome) -> str:
    return f"docket {outcome.docket_number}, charge {outcome.index + 1} ({outcome.citation})"


def files_anything(report: Report) -> bool:
    return any(c.status == "eligible" and c.pathway in ("54-95c", "46b-146") for c in report.charges)


def notice_outcomes(report: Report) -> list[ChargeOutcome]:
    return [c for c in report.charges if c.victim_notice_required]


# ---------------------------------------------------------------- blockers

def affidavit_blockers(case: Case, report: Report) -> list[Item]:
    found = []
    if files_anything(report) and not case.trafficking.narrative:
        found.append(Item("narrative_missing", "trafficking.narrative",
                          "The affidavit has no account of the trafficking: write the client's account of what "
                          "happened, and how it led to each offense, in trafficking.narrative."))
    if files_anything(report) and not case.trafficking.evidence:
        found.append(Item("evidence_missing", "trafficking.evidence",
                          "No evidence is listed: list at least one record that corroborates the affidavit "
                          "(a T visa, an HHS letter, a law-enforcement declaration, a service provider's "
                          "letter, …) in trafficking.evidence."))
    return found


def address_blockers(case: Case, report: Report) -> list[Item]:
    if not files_anything(report):
        return []
    found = []
    if case.attorney is None and case.petitioner.address is None:  # an attorney's address is required
        found.append(Item("signer_address_missing", "petitioner.address",
                          "A self-represented petitioner signs with an address: give petitioner.address (an "
                          "Address Confidentiality Program address, with address_is_acp: true, if the client "
                          "has one)."))
    petitioned = dict.fromkeys(c.record_index for c in report.charges if c.status == "eligible")
    for index in petitioned:
        record = case.records[index]
        office = courts.prosecutor_for(record, case.filing)
        if office is not None and office.address is None:
            found.append(Item("prosecutor_address_missing", f"records[{index}].prosecutor",
                              f"The papers for docket {record.docket_number} are served on the {office.name}, whose "
                              "address the court directory does not know: give records[].prosecutor (office and "
                              "address)."))
    return found


def victim_blockers(case: Case, report: Report) -> list[Item]:
    found = []
    for outcome in report.charges:
        charge = case.records[outcome.record_index].charges[outcome.index]
        path = charge_path(outcome)
        if (outcome.status == "eligible" and outcome.pathway == "54-95c" and "victim_list_missing" in outcome.flags
                and not charge.no_identifiable_victim):
            found.append(Item("victims_not_stated", f"{path}.victims",
                              f"For {charge_name(outcome)}, an offense that usually has a victim, no victim is "
                              "listed: list each victim (who must be sent notice under § 54-95c(b)) or set "
                              "no_identifiable_victim: true."))
        if not outcome.victim_notice_required:
            continue
        for k, victim in enumerate(charge.victims):
            where, who = f"{path}.victims[{k}]", f"victim {k + 1} of {charge_name(outcome)}"
            if victim.address is None:
                found.append(Item("victim_address_missing", f"{where}.address",
                                  f"The notice to {who} cannot be mailed without an address: give the "
                                  "victim's current address."))
            notice = victim.notice
            if notice is None or notice.mailed_on is None:
                found.append(Item("victim_notice_not_mailed", f"{where}.notice",
                                  f"The § 54-95c(b) notice to {who} is not recorded as mailed: mail the notice in "
                                  "this packet by certified or registered mail, then record the method, the date "
                                  "mailed and the tracking number."))
            elif not notice.tracking_number:
                found.append(Item("victim_notice_tracking_missing", f"{where}.notice.tracking_number",
                                  f"The mailing of the notice to {who} has no tracking number: record the "
                                  "certified or registered mail number."))
    return found


def juvenile_blockers(case: Case, report: Report) -> list[Item]:
    found = []
    for outcome in report.charges:
        charge = case.records[outcome.record_index].charges[outcome.index]
        if outcome.status == "eligible" and outcome.pathway == "46b-146" and charge.discharge_date is None:
            found.append(Item("juvenile_discharge_unknown", f"{charge_path(outcome)}.discharge_date",
                              f"For {charge_name(outcome)}, the date of discharge from the court's supervision or "
                              "custody is not known: give discharge_date from the court record."))
    return found


# ---------------------------------------------------------------- warnings

def charge_warnings(case: Case, report: Report) -> list[Item]:
    found = []
    for outcome in report.charges:
        path = charge_path(outcome)
        if outcome.status == "needs_review":
            found.append(Item("charge_needs_review", path,
                              f"D{charge_name(outcome)[1:]} is left out of the papers until it is "
                              f"decided: {outcome.why}"))
        if "unverified_law" in outcome.flags:
            found.append(Item("unverified_law", f"{path}.statute",
                              f"The outcome of {charge_name(outcome)} rests on a law-table entry not yet "
                              "verified against the statute text: confirm it before filing."))
        charge = case.records[outcome.record_index].charges[outcome.index]
        if outcome.status == "eligible" and outcome.relief == "discretionary" and not charge.discretion_factors:
            found.append(Item("discretion_factors_missing", f"{path}.discretion_factors",
                              f"Vacatur of {charge_name(outcome)} is discretionary, but no reasons are given for "
                              "the court to exercise its discretion: list them in discretion_factors."))
    for k, predicate in enumerate(report.predicates):
        if predicate.unverified and predicate.qualifies:
            found.append(Item("unverified_law", f"trafficking.predicates[{k}]",
                              f"The predicate {predicate.citation} qualifies by a law-table entry not yet "
                              "verified: confirm it before filing."))
    return found


def case_warnings(case: Case, report: Report) -> list[Item]:
    found = []
    for k, evidence in enumerate(case.trafficking.evidence):
        if evidence.kind.value == "law_enforcement_declaration" and not evidence.author:
            found.append(Item("evidence_author_missing", f"trafficking.evidence[{k}].author",
                              f"Evidence {k + 1} is a law-enforcement declaration that does not say who made it: "
                              "give its author, so that the affidavit can describe it accurately."))
    if case.petitioner.non_citizen:
        found.append(Item("non_citizen", "petitioner.non_citizen",
                          "The client is not a U.S. citizen. A vacatur may not be recognised for immigration "
                          "purposes unless it rests on a legal defect in the underlying proceeding (Matter of "
                          "Pickering, 23 I&N Dec. 621 (BIA 2003)), and admissions the client swears to in the "
                          "affidavit may bear on admissibility: consult immigration counsel before filing."))
    return found


def assess(case: Case, report: Report) -> Readiness:
    """Whether the case's packet can be filed as it stands, and if not, what to supply."""
    blockers = (affidavit_blockers(case, report) + address_blockers(case, report) + victim_blockers(case, report)
                + juvenile_blockers(case, report))
    warnings = charge_warnings(case, report) + case_warnings(case, report)
    return Readiness(tuple(blockers), tuple(warnings))
