"""The one context builder: a plain dict per document, the same for the Word and the PDF template.

Everything a document says about the case comes from here (names in templates/source/README.md).
Documents only lay it out. Confidentiality is decided here too: the trafficking narrative is put only
into the affidavit contexts, and a victim's address only into that victim's own notice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from erasure_docs import courts
from erasure_docs.client_letter import letter_context
from erasure_docs.instructions import court_instructions, crossing_warnings, planned_by_docket
from erasure_docs.model import JUVENILE_DISPOSITIONS, Address, Case, CourtKind, Evidence, Proceeding, Record, Victim
from erasure_docs.readiness import DRAFT_MARK
from erasure_docs.rules.checks import prostitution_age
from erasure_docs.rules.dates import long_date
from erasure_docs.rules.documents import (REGISTRY, TITLES, VICTIM_NOTICES, charges_by_docket, court_key, is_filed,
                                          sealed_kinds, spec)
from erasure_docs.rules.outcome import ChargeOutcome, DocumentRef, PathwayId, Report, Status
from erasure_docs.rules.pathways import PATHWAYS, pathway
from erasure_docs.rules.tables import load_tables

__all__ = ["SECTIONS", "ContextBuilder", "DocumentRef", "build_context", "cite", "court_key", "court_names",
           "draft_mark", "when"]

JUVENILE_DISPOSITION_VALUES = {d.value for d in JUVENILE_DISPOSITIONS}
DISPOSITIONS = {"convicted": "Convicted", "adjudicated_delinquent": "Adjudicated delinquent",
                "fwsn": "Family with service needs finding", "statement_of_responsibility": "Statement of responsibility",
                "dismissed": "Dismissed", "nolle": "Nolle", "not_guilty": "Not guilty", "pending": "Pending",
                "youthful_offender": "Youthful offender"}
# What each kind of evidence is, as the affidavit describes it under oath; `{author}` is the person who made it.
# A kind with an author-less wording is described that way when the case file does not say who made it.
FINDINGS = {"convicted": "judgment of conviction", "adjudicated_delinquent": "adjudication of delinquency",
            "fwsn": "family-with-service-needs finding", "statement_of_responsibility": "statement of responsibility",
            "youthful_offender": "youthful-offender adjudication"}
EVIDENCE = {
    "t_visa": ("Approval of T nonimmigrant status (T visa) by U.S. Citizenship and Immigration Services", None),
    "i914_supplement_b": ("Form I-914 Supplement B, Declaration of Law Enforcement Officer for Victim of "
                          "Trafficking in Persons", "Form I-914 Supplement B, Declaration of Law Enforcement Officer "
                          "for Victim of Trafficking in Persons, signed by {author}"),
    "hhs_certification": ("Certification letter of the U.S. Department of Health and Human Services", None),
    "hhs_eligibility_letter": ("Eligibility letter of the U.S. Department of Health and Human Services", None),
    "law_enforcement_declaration": ("Declaration of a law enforcement official", "Declaration of {author}"),
    "service_provider_letter": ("Letter from a victim service provider", "Letter from {author}"),
    "dcf_identification": ("Identification by the Department of Children and Families as a victim of trafficking",
                           None),
    "trafficker_conviction": ("Record of the conviction of the person who trafficked me", None),
    "police_report": ("Police report", "Police report by {author}"),
    "other": ("Record", "Record made by {author}"),
}


def exhibit_letter(index: int) -> str:
    """A, B, … Z, then AA, AB, …"""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def exhibits(evidence: list[Evidence]) -> list[dict[str, str]]:
    """The evidence as the affidavit's exhibits, each by letter and described as what it is."""
    found = []
    for i, item in enumerate(evidence):
        plain, signed = EVIDENCE[item.kind.value]
        label = signed.format(author=item.author) if signed and item.author else plain
        if item.author and not signed:
            label += f" ({item.author})"
        found.append({"letter": exhibit_letter(i), "label": label, "description": item.description or "",
                      "date": when(item.date)})
    return found
# Pages that go with a document but are not documents of the packet: the template, and the kinds whose context
# it is rendered with (an envelope page for each victim notice, a sealed-envelope cover sheet for each sealed one).
ENVELOPES = {"mailing_envelope": ("victim_notice", "victim_hearing_notice"),
             "sealed_envelope": ("affidavit", "affidavit_46b_146")}


STATE_POLICE = "Department of Emergency Services and Public Protection, State Police Bureau of Identification"
# Who else holds a docket's records, and the words of a sentence (on any charge of the docket) that show it:
# an order that does not reach a holder leaves that holder's copy of the record in place.
JUVENILE_PROBATION = "Court Support Services Division, Juvenile Probation"
SENTENCE_HOLDERS = (
    ("adult", "Court Support Services Division, Adult Probation Services", ("probation",)),
    ("youthful_offender", "Court Support Services Division, Adult Probation Services", ("probation",)),
    ("juvenile", "Department of Children and Families", ("commit", "dcf", "department of children and families")),
)


def mailing(victim: Victim) -> dict[str, Any]:
    """A victim's § 54-95c(b) notice as recorded: `mailed` only when the method, the date and the tracking
    number are all known; until then the papers speak of the notice in the future and leave blanks."""
    notice = victim.notice
    mailed = bool(notice and notice.mailed_on and notice.tracking_number)
    return {"mailed": mailed, "method": f"{notice.method.value} mail" if mailed and notice else "",
            "mailed_on": when(notice.mailed_on) if mailed and notice else "",
            "tracking_number": (notice.tracking_number or "") if mailed and notice else ""}


def draft_mark(report: Report) -> str:
    """The words every page of every document carries while the packet is not ready to file, else ""."""
    ready = report.readiness is None or report.readiness.ready
    return "" if ready else DRAFT_MARK


def when(day: dt.date | None) -> str:
    return long_date(day) if day else ""


def cite(citation: str) -> str:
    """A citation for a document: the section sign kept on the same line as its number."""
    return citation.replace("§ ", "§\u00a0")


def join_words(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1] if words else ""


def predicate_phrase(citations: list[str]) -> str:
    """'trafficking in persons under C.G.S. § 53a-192a and a criminal violation of 18 U.S.C. Chapter 77,
    namely 18 U.S.C. § 1591' — whichever of the two kinds the qualifying predicates include."""
    state = [c for c in citations if c.startswith("C.G.S.")]
    federal = [c for c in citations if not c.startswith("C.G.S.")]
    parts = [f"trafficking in persons under {join_words(state)}"] if state else []
    if federal:
        parts.append(f"a criminal violation of 18 U.S.C. Chapter 77, namely {join_words(federal)}")
    return " and ".join(parts)


def name_initials(name: str) -> str:
    """'Hoa Trần' → 'H.T.'"""
    return "".join(f"{part[0]}." for part in name.replace("-", " ").split() if part[0].isalpha())


ACP_WORDING = "Address Confidentiality Program substitute address (C.G.S. § 54-240a et seq.)"


def address_lines(address: Address | None, acp: bool = False) -> list[str]:
    """The lines of a mailing address; an Address Confidentiality Program address is the only address of a
    participant that ever prints, and it prints under the program's wording."""
    if address is None:
        return []
    return ([ACP_WORDING] if acp else []) + [address.street, f"{address.city}, {address.state} {address.zip}"]


def court_names(record: Record) -> dict[str, Any]:
    """How papers name a docket's court, and where its clerk receives mail (from the court directory)."""
    court, town = record.court, record.court.location
    if court.kind is CourtKind.federal:
        name = f"United States District Court ({town})"
        return {"name": name, "town": town, "full": f"{name}, at {town}", "clerk": "", "address_lines": [],
                "caption": [], "address_missing": False}
    entry = courts.lookup(court)
    clerk = entry.clerk
    name = {"ga": f"G.A. {entry.number}", "jd": f"Judicial District of {entry.district}"}.get(
        entry.kind, "Superior Court for Juvenile Matters")
    return {"name": name, "town": entry.location, "full": entry.name,
            "clerk": clerk.name if clerk else f"Clerk, {entry.name}",
            "address_lines": clerk.address.lines if clerk and clerk.address else [],
            "address_missing": not (clerk and clerk.address),
            "caption": (["SUPERIOR COURT FOR", "JUVENILE MATTERS"] if entry.kind == "juvenile"
                        else ["SUPERIOR COURT", entry.caption_court]) + [f"AT {entry.caption_at}"]}


def defendant_caption(record: Record, legal_name: str) -> str:
    """The defendant as the court file names the person: 'BREE COLLINS (a/k/a Brianna M. O'Neil)'."""
    if record.name_on_record and record.name_on_record != legal_name:
        return f"{record.name_on_record.upper()} (a/k/a {legal_name})"
    return legal_name.upper()


def caption_rows(record: Record, name: str, filing_date: dt.date, initials: bool = False) -> list[dict[str, str]]:
    """`name`: the initials (`initials` true: a juvenile or an initials-only filing), else the legal name."""
    date = when(filing_date).upper()
    docket = f"DOCKET NO. {record.docket_number}"
    right = [*court_names(record)["caption"], date]
    if record.court.kind is CourtKind.juvenile:
        left = [docket, f"IN RE: {name}", "", ""]
    else:
        defendant = name.upper() if initials else defendant_caption(record, name)
        left = [docket, "STATE OF CONNECTICUT", "V.", defendant]
    return [{"left": a, "right": b} for a, b in zip(left, right)]


def caption_line(record: Record, petitioner: dict[str, Any], filing_date: dt.date) -> str:
    """A docket's caption as one line, for a label: 'DOCKET NO. …, STATE OF CONNECTICUT V. …, SUPERIOR COURT, …'
    (without the date)."""
    rows = caption_rows(record, petitioner["caption_name"], filing_date, petitioner["caption_initials"])
    left = " ".join(row["left"] for row in rows if row["left"]).replace(" STATE OF", ", STATE OF")
    return f"{left}, {', '.join(row['right'] for row in rows[:-1])}"


def law_wording() -> dict[str, Any]:
    """Statutory wording a document may state as settled only once the tables mark it verified."""
    return {"vacatur_relief_verified": load_tables().parameters["vacatur_relief_subsection_d"].verified}


class ContextBuilder:
    """Builds every document's context for one judged case."""

    def __init__(self, case: Case, report: Report):
        self.case, self.report = case, report
        self.by_docket = charges_by_docket(report.charges)

    # -------------------------------------------------------- pieces shared by every document

    def uses_initials(self, ref: DocumentRef) -> bool:
        choice = self.case.filing.use_initials
        if choice is not None:
            return choice
        if ref.record is not None:
            return self.case.records[ref.record].court.kind is CourtKind.juvenile
        if ref.court is not None:
            return ref.court[0] == CourtKind.juvenile.value
        return False  # the review sheet is the attorney's own

    def petitioned_records(self) -> list[int]:
        return [r for r, charges in self.by_docket.items() if any(c.status == "eligible" for c in charges)]

    def petitioner(self, ref: DocumentRef) -> dict[str, Any]:
        p = self.case.petitioner
        initials = self.uses_initials(ref)
        # A juvenile paper is filed in the confidential juvenile file: its caption keeps the initials, but the
        # petition, affidavit and order identify the person fully so that every agency can act on the order.
        juvenile_paper = spec(ref.kind).pathway is PathwayId.juvenile
        in_body = p.full_name if juvenile_paper else p.initials if initials else p.full_name
        aliases = [] if initials else list(p.aliases)
        sentence = f"I have also been known as {join_words(aliases)}" if aliases else ""
        born = p.date_of_birth
        filed = self.case.filing_date
        adult = (filed.year - born.year - ((filed.month, filed.day) < (born.month, born.day))) >= 18
        # The case file's own name fields, in the same form as `name` (initials where the paper uses initials).
        names = {"first_name": p.first_name, "middle_name": p.middle_name or "", "last_name": p.last_name,
                 "suffix": p.suffix or ""}
        if in_body != p.full_name:
            names = {"first_name": f"{p.first_name[0]}.", "middle_name": "", "last_name": f"{p.last_name[0]}.",
                     "suffix": ""}
        return {**names, "name": in_body, "caption_name": p.initials if initials else p.full_name,
                "caption_initials": initials, "full_name": p.full_name, "initials": p.initials,
                "date_of_birth": when(born), "adult": adult,
                "aliases": aliases, "aliases_text": join_words(aliases),
                "aliases_sentence": sentence if sentence.endswith(".") else sentence + "." if sentence else "",
                "address_lines": address_lines(p.address, p.address_is_acp),
                "phone": p.phone or "", "email": p.email or "", "is_acp": p.address_is_acp,
                "interpreter_language": p.interpreter_language or ""}

    def signer(self, ref: DocumentRef, petitioner: dict[str, Any]) -> dict[str, Any]:
        attorney = self.case.attorney
        if attorney:
            return {"self_represented": False, "name": attorney.name, "firm": attorney.firm or "",
                    "address_lines": address_lines(attorney.address), "phone": attorney.phone or "",
                    "email": attorney.email or "", "juris_number": attorney.juris_number}
        if ref.kind in VICTIM_NOTICES:  # a victim notice never tells the victim how to reach the applicant
            return {"self_represented": True, "name": petitioner["name"], "firm": "", "address_lines": [],
                    "phone": "", "email": "", "juris_number": ""}
        return {"self_represented": True, "name": petitioner["name"], "firm": "",
                "address_lines": petitioner["address_lines"], "phone": petitioner["phone"],
                "email": petitioner["email"], "juris_number": ""}

    def attorney(self) -> dict[str, Any]:
        """The case file's `attorney`, under its own names (empty for a self-represented petitioner)."""
        attorney = self.case.attorney
        if attorney is None:
            return {"name": "", "firm": "", "juris_number": "", "phone": "", "email": "", "address_lines": []}
        return {"name": attorney.name, "firm": attorney.firm or "", "juris_number": attorney.juris_number,
                "phone": attorney.phone or "", "email": attorney.email or "",
                "address_lines": address_lines(attorney.address)}

    def prosecutor(self, record: Record | None) -> dict[str, Any]:
        """The office that prosecutes this docket, from the court directory (or the record's override)."""
        office = courts.prosecutor_for(record, self.case.filing) if record else None
        if office is None:
            return {"office": "", "address_lines": [], "missing": True}
        lines = office.address.lines if office.address else []
        return {"office": office.name, "address_lines": lines, "missing": not lines}

    def common(self, ref: DocumentRef) -> dict[str, Any]:
        case = self.case
        record = case.records[ref.record] if ref.record is not None else self.first_record_of(ref.court)
        petitioner = self.petitioner(ref)
        qualifying = [cite(p.citation) for p in self.report.predicates if p.qualifies]
        period = case.trafficking.period
        context: dict[str, Any] = {
            "case_id": case.case_id,
            "doc": {"kind": ref.kind, "title": TITLES[ref.kind]},
            "draft_mark": draft_mark(self.report),
            "filing_date": when(case.filing_date),
            "party": self.party(ref),
            "petitioner": petitioner,
            "signer": self.signer(ref, petitioner),
            "prosecutor": self.prosecutor(record),
            "attorney": self.attorney(),
            "predicates": qualifying,
            "predicate_text": predicate_phrase(qualifying),
            "trafficking_period": (f"{when(period.start)} to {when(period.end) if period.end else 'the present'}"
                                   if period else ""),
            "filing": {"request_hearing": case.filing.request_hearing, "seal_affidavit": case.filing.seal_affidavit,
                       "hearing_date": when(case.filing.hearing_date), "date": when(case.filing_date)},
            "law": law_wording(),
            "extra": case.extra,  # the case file's free-form values, for a clinic's own templates
            "court": court_names(record) if record else {"name": "", "town": "", "full": "", "clerk": "",
                                                         "address_lines": [], "address_missing": True},
            "caption": {"rows": caption_rows(record, petitioner["caption_name"], case.filing_date,
                                             petitioner["caption_initials"])} if record else {"rows": []},
        }
        return context

    def party(self, ref: DocumentRef) -> str:
        """What the document calls the person: its pathway's word ("Applicant" under § 54-95c)."""
        pathway_id = spec(ref.kind).pathway
        return pathway(pathway_id).party if pathway_id else "Petitioner"

    def first_record_of(self, court: tuple | None) -> Record | None:
        """The first petitioned docket in that court (any court when None): it names the court."""
        for r in self.petitioned_records():
            if court is None or court_key(self.case.records[r]) == court:
                return self.case.records[r]
        return None

    # -------------------------------------------------------- one docket

    def docket(self, record_index: int) -> dict[str, Any]:
        record = self.case.records[record_index]
        eligible = [c for c in self.by_docket.get(record_index, []) if c.status == "eligible"]
        charges = [self.charge(record, outcome) for outcome in eligible]
        victims = [v for c in eligible for v in self.notified_victims(record, c)]
        agencies = [a for a in [record.arresting_agency, court_names(record)["clerk"], STATE_POLICE,
                                self.prosecutor(record)["office"], *record_holders(record)] if a]
        discharges = [record.charges[c.index] for c in eligible
                      if record.charges[c.index].disposition.value in JUVENILE_DISPOSITION_VALUES]
        discharged = [c.discharge_date for c in discharges if c.discharge_date]
        return {"number": record.docket_number, "arrest_date": when(record.arrest_date),
                "identity": self.identity(record),
                "discharge_date": when(max(discharged)) if discharged and len(discharged) == len(discharges) else "",
                "arresting_agency": record.arresting_agency or "", "charges": charges,
                "counts_remain": bool(self.staying_counts(record_index)),
                "other_counts_erased": any(c.status == "automatic" and c.pathway == "54-142a"
                                           for c in self.by_docket.get(record_index, [])),
                "barred_findings": [f for f in (self.barred_finding(record, c) for c in eligible) if f],
                "any_mandatory": any(c.relief == "mandatory" for c in eligible),
                "any_discretionary": any(c.relief == "discretionary" for c in eligible),
                "agencies": list(dict.fromkeys(agencies)),
                "victims": victims, "notice_sent": bool(victims) and all(v["mailed"] for v in victims),
                "discretion_factors": [{"citation": c["citation"], "description": c["description"],
                                        "factors": c["discretion_factors"]}
                                       for c in charges if c["relief"] == "discretionary" and c["discretion_factors"]]}

    def identity(self, record: Record) -> dict[str, Any]:
        """How the court record names the person, for captions, the identity paragraph and the order."""
        p = self.case.petitioner
        juvenile = record.court.kind is CourtKind.juvenile
        initials = not juvenile and self.case.filing.use_initials is True
        named = record.name_on_record or p.full_name
        born = record.date_of_birth_on_record or p.date_of_birth
        return {"name_on_record": p.initials if initials else named, "date_of_birth_on_record": when(born),
                "legal_name": p.initials if initials else p.full_name, "date_of_birth": when(p.date_of_birth),
                "name_differs": named != p.full_name and not initials, "date_differs": born != p.date_of_birth,
                "differs": (named != p.full_name and not initials) or born != p.date_of_birth}

    def staying_counts(self, record_index: int) -> list[ChargeOutcome]:
        """Counts of an adult docket that neither this filing vacates nor § 54-142a erases: the docket's records
        then remain (the multi-count clause of § 54-142a)."""
        if self.case.records[record_index].court.kind is CourtKind.juvenile:
            return []
        return [c for c in self.by_docket.get(record_index, [])
                if c.status != "eligible" and not (c.status == "automatic" and c.pathway == "54-142a")]

    def barred_finding(self, record: Record, outcome: ChargeOutcome) -> dict[str, str] | None:
        """A prostitution finding the law barred on the offense date (rule prostitution.finding_barred)."""
        charge = record.charges[outcome.index]
        if not any(r.rule == "prostitution.finding_barred" for r in outcome.reasons) \
                or outcome.age_at_offense is None or charge.offense_date is None:
            return None
        law = prostitution_age(outcome.age_at_offense, charge.offense_date, load_tables())
        return {"citation": cite(outcome.citation), "offense_date": when(charge.offense_date),
                "age": str(outcome.age_at_offense), "since": when(law.since), "under": str(law.under),
                "act": law.act, "finding": FINDINGS[charge.disposition.value]}

    def charge(self, record: Record, outcome: ChargeOutcome) -> dict[str, Any]:
        charge = record.charges[outcome.index]
        return {"citation": cite(outcome.citation), "description": charge.description or "",
                "offense_class": outcome.offense_class or "", "offense_date": when(charge.offense_date),
                "disposition": DISPOSITIONS[charge.disposition.value], "disposition_date": when(charge.disposition_date),
                "sentence": charge.sentence or "", "relief": outcome.relief or "",
                "discretion_factors": list(charge.discretion_factors),
                "victims": [{"name": v["name"]} for v in self.notified_victims(record, outcome)]}

    def victim_named_by_initials(self, record: Record, outcome: ChargeOutcome) -> bool:
        """Sexual assault, risk of injury and family violence: filed papers name the victim by initials."""
        charge = record.charges[outcome.index]
        sections = load_tables().param("victim_initials_sections")
        return charge.family_violence or (charge.statute.jurisdiction == "CT" and charge.statute.section in sections)

    def notified_victims(self, record: Record, outcome: ChargeOutcome) -> list[dict[str, str]]:
        """The victims as a filed paper (the certification of notice) names them: never an address."""
        if not outcome.victim_notice_required:
            return []
        victims = []
        initials = self.victim_named_by_initials(record, outcome)
        for victim in record.charges[outcome.index].victims:
            victims.append({"name": name_initials(victim.name) if initials else victim.name,
                            "citation": cite(outcome.citation), **mailing(victim)})
        return victims

    def victim(self, record_index: int, victim_index: int) -> dict[str, Any]:
        record = self.case.records[record_index]
        found = [(outcome, v) for outcome in self.by_docket[record_index] if outcome.victim_notice_required
                 for v in record.charges[outcome.index].victims]
        outcome, victim = found[victim_index]
        return {"name": victim.name, "address_lines": address_lines(victim.address), "citation": cite(outcome.citation),
                **mailing(victim)}

    # -------------------------------------------------------- case-level documents

    def enclosures(self, refs: list[DocumentRef], court: tuple | None) -> list[DocumentRef]:
        """The documents a cover letter sends to its court."""
        return [ref for ref in refs if ref.record is not None and court_key(self.case.records[ref.record]) == court]

    def unverified_rows(self) -> list[str]:
        """Each law-table row not yet verified that decided an outcome of this case."""
        report, tables, found = self.report, load_tables(), []
        for outcome in report.charges:
            if "unverified_law" in outcome.flags:
                charge = self.case.records[outcome.record_index].charges[outcome.index]
                for row in tables.offense_rows(charge.statute) if charge.statute.jurisdiction == "CT" else []:
                    if not row.verified:
                        found.append(f"{row.cite} ({row.title}): {row.source}")
        found += [f"{p.citation}: federal table row not verified" for p in report.predicates if p.unverified]
        return list(dict.fromkeys(found))

    def review(self) -> dict[str, Any]:
        report = self.report
        charges = []
        for outcome in report.charges:
            charge = self.case.records[outcome.record_index].charges[outcome.index]
            charges.append({"docket_number": outcome.docket_number, "index": outcome.index,
                            "number": outcome.index + 1,
                            "citation": outcome.citation, "description": charge.description or "",
                            "status": outcome.status.replace("_", " "), "pathway": outcome.pathway or "none",
                            "relief": outcome.relief or "none", "flags": ", ".join(outcome.flags),
                            "erasure_date": when(outcome.erasure_date),
                            "reasons": [{"text": r.text, "cite": r.cite} for r in outcome.reasons]})
        readiness = report.readiness
        assert readiness is not None  # evaluate() always assesses it
        return {"ready": readiness.ready,
                "blockers": [item._asdict() for item in readiness.blockers],
                "warnings": [item._asdict() for item in readiness.warnings],
                "summary": {k.replace("_", " "): v for k, v in report.summary.items()},
                "predicates": [{"citation": p.citation, "qualifies": p.qualifies, "reason": p.reasons[0].text}
                               for p in report.predicates],
                "charges": charges, "to_confirm": self.to_confirm(), "unverified": self.unverified_rows(),
                "rules_version": report.rules_version, "as_of": when(report.as_of)}

    def to_confirm(self) -> list[str]:
        """Everything counsel must supply, weigh or check before filing: the blockers and warnings first, then
        each unverified law-table entry that decided something, then the wording still to be confirmed."""
        report, readiness = self.report, self.report.readiness
        assert readiness is not None  # evaluate() always assesses it
        items = [f"Supply: {b.message} ({b.path})" for b in readiness.blockers]
        items += [f"Weigh: {w.message} ({w.path})" for w in readiness.warnings]
        items += [f"Confirm the law-table entry {row}" for row in self.unverified_rows()]
        eligible = [c for c in report.charges if c.status is Status.eligible]
        wording = load_tables().parameters["vacatur_relief_subsection_d"]
        if any(c.pathway is PathwayId.vacatur for c in eligible) and not wording.verified:
            items.append("Confirm the exact wording of C.G.S. § 54-95c(d) against the statute text; the application "
                         f"and the relief stated rest on this reading: \u201c{cite(str(wording.value))}\u201d")
        for pathway_id, pathway_ in PATHWAYS.items():  # each pathway's questions, then each planned document's
            if any(c.pathway is pathway_id for c in eligible):
                items += pathway_.confirm
        planned = set(report.documents)
        items += [s.confirm for s in REGISTRY if s.confirm and s.kind in planned]
        for c in report.charges:
            if "minor_prostitution" in c.flags:
                barred = any(r.rule == "prostitution.finding_barred" for r in c.reasons)
                items.append(f"Docket {c.docket_number}, charge {c.index + 1}: a prostitution finding for an offense "
                             "committed under 18" + (" that the law then barred; the filing says so in its own "
                                                     "paragraph." if barred else " — raise it expressly."))
            if "juvenile_age_in_adult_court" in c.flags:
                items.append(f"Docket {c.docket_number}, charge {c.index + 1}: an adult-court conviction for an offense "
                             "at an age the juvenile court then covered; check whether the case was transferred.")
            if "clean_slate_may_apply" in c.flags:
                items.append(f"Docket {c.docket_number}, charge {c.index + 1}: Clean Slate (§ 54-142a(e)) may already "
                             "have erased this conviction; check the record before filing.")
            if "federal_conviction" in c.flags:
                items.append(f"Docket {c.docket_number}: a federal conviction cannot be cleared here; consider "
                             "federal remedies.")
        items += self.routing_to_confirm()
        for r in self.petitioned_records():
            staying = self.staying_counts(r)
            if staying:
                counts = ", ".join(f"{c.index + 1} ({c.citation})" for c in staying)
                items.append(f"Docket {self.case.records[r].docket_number}: count {counts} stays, so the docket's "
                             "records remain after the vacated counts are dismissed; only the public electronic records "
                             "of its erasable counts go (§ 54-142a).")
        if any(c.status == "not_eligible" for c in report.charges):
            items.append("For charges that are not eligible here, consider other remedies (e.g. Clean Slate "
                         "erasure under § 54-142a(e), a pardon).")
        return items


    def routing_to_confirm(self) -> list[str]:
        """What the court directory could not settle for the dockets this packet files."""
        items = []
        for r in self.petitioned_records():
            record = self.case.records[r]
            if record.court.kind is CourtKind.federal:
                continue
            entry, docket = courts.lookup(record.court), record.docket_number
            if court_names(record)["address_missing"]:
                items.append(f"Docket {docket}: the clerk's mailing address for the {entry.name} is not in the court "
                             "directory; the cover letter is a DRAFT until it is added to erasure_docs/law/courts.yaml.")
            if self.prosecutor(record)["missing"]:
                items.append(f"Docket {docket}: the address of the office to be served is not known; the "
                             "certification of service is a DRAFT until records[].prosecutor gives it.")
            if not entry.verified and record.prosecutor is None:
                items.append(f"Docket {docket}: confirm the addresses of the {entry.name} and of the "
                             f"{entry.prosecutor.name if entry.prosecutor else 'prosecutor'} with the clerk (the "
                             "court directory marks them as not verified).")
            if record.proceeding is Proceeding.juvenile and not self.docket(r)["discharge_date"]:
                items.append(f"Docket {docket}: give each adjudicated charge's discharge_date; the petition "
                             "alleges discharge and says DRAFT until the date is supplied.")
            if record.name_on_record or record.date_of_birth_on_record:
                items.append(f"Docket {docket}: confirm that the name and date of birth on record match the "
                             "court file exactly; the caption and the order are written from them.")
        return items


def record_holders(record: Record) -> list[str]:
    """Agencies beyond the police, the court and the State Police that hold this docket's records."""
    holders = [JUVENILE_PROBATION] if record.proceeding is Proceeding.juvenile else []
    sentences = " ".join(c.sentence or "" for c in record.charges).casefold()
    holders += [name for proceeding, name, words in SENTENCE_HOLDERS
                if record.proceeding.value == proceeding and any(w in sentences for w in words)]
    return holders


def affidavit_section(builder: ContextBuilder, ref: DocumentRef, refs: list[DocumentRef]) -> dict[str, Any]:
    """The evidence and the narrative: only affidavits carry them (a sealed affidavit keeps them private)."""
    trafficking = builder.case.trafficking
    narrative = trafficking.narrative or ""
    return {"evidence": exhibits(trafficking.evidence),
            "narrative_paragraphs": [" ".join(p.split()) for p in narrative.split("\n\n") if p.strip()]}


def victim_section(builder: ContextBuilder, ref: DocumentRef, refs: list[DocumentRef]) -> dict[str, Any]:
    """The one victim a notice is for: only that notice carries the victim's address."""
    assert ref.record is not None and ref.victim is not None
    return {"victim": builder.victim(ref.record, ref.victim)}


def cover_letter_section(builder: ContextBuilder, ref: DocumentRef, refs: list[DocumentRef]) -> dict[str, Any]:
    """What a cover letter sends to its court."""
    case = builder.case
    enclosed = builder.enclosures(refs, ref.court)
    filed = [e for e in enclosed if e.record is not None and is_filed(case, e)]
    sealed = sealed_kinds(case)
    # The filing pages are filled in once the documents are laid out (packet.py).
    return {"enclosures": [{"number": n, "title": TITLES[e.kind], "docket_number": case.records[e.record].docket_number,
                            "pages": ""} for n, e in enumerate(filed, start=1) if e.record is not None],
            "sealed_affidavits": [{"title": TITLES[e.kind], "docket_number": case.records[e.record].docket_number}
                                  for e in enclosed if e.record is not None and e.kind in sealed],
            "filing_pages": 0,
            "dockets": [{"number": case.records[r].docket_number, "court": court_names(case.records[r])["full"]}
                        for r in dict.fromkeys(e.record for e in enclosed if e.record is not None)],
            "juvenile": bool(ref.court and ref.court[0] == CourtKind.juvenile.value)}


def review_section(builder: ContextBuilder, ref: DocumentRef, refs: list[DocumentRef]) -> dict[str, Any]:
    review = builder.review()
    review["crossings"] = crossing_warnings(builder.case, planned_by_docket(builder.case, builder.report))
    return {"review": review}


def instructions_section(builder: ContextBuilder, ref: DocumentRef, refs: list[DocumentRef]) -> dict[str, Any]:
    """What the attorney does with one court's papers (instructions.py)."""
    case = builder.case
    planned = planned_by_docket(case, builder.report)
    records = [r for r in planned if court_key(case.records[r]) == ref.court]
    petitioner = builder.petitioner(ref)
    return {"instructions": court_instructions(
        case, {r: planned[r] for r in records}, {r: builder.docket(r) for r in records},
        {r: caption_line(case.records[r], petitioner, case.filing_date) for r in records},
        crossing_warnings(case, planned))}


def letter_section(builder: ContextBuilder, ref: DocumentRef, refs: list[DocumentRef]) -> dict[str, Any]:
    """The letter to the client (client_letter.py), and the language it is rendered in."""
    letter = letter_context(builder.case, builder.report)
    return {"letter": letter, "language": letter["language"]}


Section = Callable[[ContextBuilder, DocumentRef, list[DocumentRef]], dict[str, Any]]
# The context sections a registry row can name (rules/documents.py, DocumentSpec.context).
SECTIONS: dict[str, Section] = {"affidavit": affidavit_section, "victim": victim_section,
                                "cover_letter": cover_letter_section, "review": review_section,
                                "instructions": instructions_section, "letter": letter_section}


def build_context(builder: ContextBuilder, ref: DocumentRef, refs: list[DocumentRef]) -> dict[str, Any]:
    """The full context of one document: the common part, its docket's, then its registry row's sections."""
    context = builder.common(ref)
    if ref.record is not None:
        context["docket"] = builder.docket(ref.record)
    for name in spec(ref.kind).context:
        context.update(SECTIONS[name](builder, ref, refs))
    return context
