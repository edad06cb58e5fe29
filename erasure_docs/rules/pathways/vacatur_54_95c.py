"""§ 54-95c: vacating a conviction that resulted from the applicant being a victim of trafficking.

Requirements, each evaluated and reported: the trafficking predicate, the offense class (misdemeanors,
class C, D and E felonies, unclassified felonies with a maximum of not more than 10 years), the attorney's
nexus finding, the trafficking period. Relief: mandatory for § 53a-82, discretionary otherwise; each listed
victim is sent notice.
"""

from __future__ import annotations

from erasure_docs.rules.facts import (Candidate, ChargeFacts, ClassResolution, Decision, combine, ground_findings,
                                      ground_nexus, ground_period)
from erasure_docs.rules.outcome import (FAIL, INFO, PASS, REVIEW, Finding, PathwayId, PredicateOutcome, Reason,
                                        Relief, Status)
from erasure_docs.rules.pathways.base import Pathway
from erasure_docs.rules.tables import Tables


def class_eligible_for_vacatur(candidate: Candidate, tables: Tables) -> bool | None:
    """True/False by § 54-95c(a); None when the class, or an unclassified felony's maximum, is unknown."""
    offense_class = candidate.offense_class
    if offense_class is None:
        return None
    if offense_class.kind == "felony" and offense_class.unclassified:
        if candidate.max_term_years is None:
            return None
        return candidate.max_term_years <= tables.values.vacatur_unclassified_felony_max_years
    return offense_class in tables.values.vacatur_eligible_classes


def verdicts_of(candidates: tuple[Candidate, ...], tables: Tables) -> set[bool | None]:
    return {class_eligible_for_vacatur(c, tables) for c in candidates}


def vacatur_class(facts: ChargeFacts, resolution: ClassResolution) -> Finding:
    cite, tables = "C.G.S. § 54-95c(a)", facts.tables
    limit = f"{tables.values.vacatur_unclassified_felony_max_years:g}"
    flags = ("class_mismatch",) if resolution.mismatch else ()
    candidates = resolution.candidates
    verdicts = verdicts_of(candidates, tables)
    # An unverified row decided only if the verified rows alone would not give the same single verdict.
    verified_only = verdicts_of(tuple(c for c in candidates if c.verified), tables)
    unverified = resolution.from_table and not all(c.verified for c in candidates) and (
        len(verified_only) != 1 or verified_only != verdicts)
    if resolution.not_in_force:
        return Finding(REVIEW, Reason("vacatur.class_not_in_force",
                                      f"The judgment records {resolution.settled}, a class that did not exist on the "
                                      "offense date; the record must be checked.", "C.G.S. §§ 53a-25, 53a-26"), flags)
    known = [c.offense_class for c in candidates if c.offense_class is not None]
    if not known:
        why = "is not in the statute table" if not facts.rows else "has no class in the statute table for that date"
        return Finding(REVIEW, Reason("vacatur.class_unknown",
                                      f"{facts.citation.canonical} {why} and no class is recorded on the judgment; "
                                      "the class decides eligibility.", cite), flags, unverified)
    source = "the statute table" if resolution.from_table else "the judgment"
    shown = " or ".join(dict.fromkeys(c.display for c in known))
    settled = resolution.settled
    if verdicts == {True}:
        text = f"The offense is a {shown} (per {source}), which § 54-95c(a) allows to be vacated."
        if settled and settled.unclassified and settled.kind == "felony" and len(candidates) == 1:
            text = (f"The offense is an unclassified felony with a maximum term of {candidates[0].max_term_years:g} "
                    f"years, not more than {limit} years, so § 54-95c(a) allows it to be vacated.")
        return Finding(PASS, Reason("vacatur.class_eligible", text, cite), flags, unverified)
    if verdicts == {False}:
        text = (f"The offense is a {shown} (per {source}); § 54-95c(a) covers only misdemeanors, class C, D and E "
                f"felonies and unclassified felonies with a maximum term of not more than {limit} years.")
        return Finding(FAIL, Reason("vacatur.class_excluded", text, cite), flags, unverified)
    if len(candidates) == 1 and settled and settled.unclassified:
        return Finding(REVIEW, Reason("vacatur.unclassified_max_unknown",
                                      "The offense is an unclassified felony and its maximum term is not known; "
                                      f"it is eligible only if the maximum is not more than {limit} years.", cite),
                       flags, unverified)
    return Finding(REVIEW, Reason("vacatur.class_depends_on_facts",
                                  f"The offense may be a {shown} depending on facts the record does not show "
                                  "(subsection, prior offenses, value), and eligibility differs between them; record "
                                  "the class and maximum term from the judgment.", cite), flags, unverified)


def judge(facts: ChargeFacts, predicates: tuple[PredicateOutcome, ...]) -> Decision:
    """An adult conviction: every requirement in order, then the relief."""
    resolution = facts.resolution
    assert resolution is not None  # § 54-95c is only chosen for Connecticut charges
    findings = [*ground_findings(facts, predicates, "C.G.S. § 54-95c(a)"), vacatur_class(facts, resolution),
                ground_nexus(facts.charge, "C.G.S. § 54-95c(a)")]
    period = ground_period(facts, "C.G.S. § 54-95c(d)")
    findings += [period] if period else []
    status = combine(findings)
    relief = None
    if status is Status.eligible:
        findings.append(Finding(INFO, Reason("vacatur.then_erasure",
                                             "Once vacated and dismissed, the records are erased; the proposed order "
                                             "asks for erasure expressly.", "C.G.S. § 54-142a(a)")))
        if facts.is_prostitution:
            relief = Relief.mandatory
            findings.append(Finding(INFO, Reason("vacatur.relief_mandatory",
                                                 "For a prostitution conviction (§ 53a-82) the court must vacate the "
                                                 "conviction once the requirements are shown.", "C.G.S. § 54-95c(d)")))
        else:
            relief = Relief.discretionary
            findings.append(Finding(INFO, Reason("vacatur.relief_discretionary",
                                                 "For this offense the court may vacate the conviction in its "
                                                 "discretion.", "C.G.S. § 54-95c(d)")))
    return Decision(status, PathwayId.vacatur, relief, tuple(findings))


PATHWAY = Pathway(
    PathwayId.vacatur, "C.G.S. § 54-95c", judge, party="Applicant",
    relief_wording="Vacate, dismiss and erase (C.G.S. § 54-95c)",
    confirm=("There is no official § 54-95c application form known to us; confirm the court accepts the "
             "application as a pleading.",
             "Have the client review and sign the affidavit before a notary or commissioner."))
