"""The eligibility engine: which records can be cleared, under which pathway, and why.

The order in which the rules apply, for each charge (each step is a small function below):

1. Where the record is: a federal record (court kind `federal` or a federal statute) is never petitioned in a
   Connecticut court (`federal.*`); a pending charge has nothing to clear yet (`charge.pending`).
2. Which pathway the proceeding and disposition select (`pathway_for`; each pathway is one module of
   rules/pathways/, which judges the charge):
   juvenile dismissal / not delinquent → automatic, § 46b-146; juvenile adjudication, FWSN finding or
   statement of responsibility → § 46b-146 trafficking ground; youthful-offender adjudication → automatic at
   21, § 54-76o; adult (or youthful-offender-court) dismissal or acquittal → automatic, § 54-142a(a);
   nolle → automatic 13 months later, § 54-142a(c); adult conviction → § 54-95c.
3. For the two petition pathways, the requirements in order, every one evaluated and reported:
   the trafficking predicate (`ground.predicate`) and whether it existed during the trafficking
   (`ground.predicate_in_force`), for § 54-95c the offense class (`vacatur.class_*`), the attorney's nexus finding
   (`ground.nexus`), the trafficking period (`ground.period`).
   Any failed requirement → `not_eligible`; else any uncertain one → `needs_review`; else `eligible`.
4. Relief: § 46b-146 mandatory; § 54-95c mandatory for § 53a-82, discretionary otherwise; victim notice
   when eligible under § 54-95c and victims are listed.
5. The docket: an erasable count beside a count that is not erasable only loses its public electronic records
   (`erasure.awaits_other_counts`, the multi-count clause of § 54-142a).
6. Flags (`flags_for`), which never change the status except `outside_trafficking_period`.
docs/law.md explains each rule in this order.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from erasure_docs.citations import Citation
from erasure_docs.model import JUVENILE_DISPOSITIONS, Case, Disposition, Proceeding
from erasure_docs.readiness import assess
from erasure_docs.rules.checks import (RAISE_THE_AGE, awaits_other_counts, clean_slate_date, juvenile_age_unverified,
                                       juvenile_court_covered, prostitution_age)
from erasure_docs.rules.dates import add_months, long_date
from erasure_docs.rules.documents import document_kinds, plan
from erasure_docs.rules.facts import CT_TRAFFICKING, ChargeFacts, Decision
from erasure_docs.rules.outcome import (FAIL, INFO, REVIEW, ChargeOutcome, Finding, PathwayId, PredicateOutcome,
                                        Reason, Report, Status)
from erasure_docs.rules.pathways import PATHWAYS, Pathway, erasure_54_142a
from erasure_docs.rules.pathways.erasure_54_142a import MULTI_COUNT
from erasure_docs.rules.tables import Tables, load_tables

__all__ = ["RULES", "add_months", "evaluate", "long_date", "pathway_for"]

# Every rule id the engine can give, in the order the rules apply: (id, statute, what it decides).
RULES: list[tuple[str, str, str]] = [
    ("predicate.ct_trafficking", "C.G.S. § 53a-192a", "a § 53a-192a predicate qualifies"),
    ("predicate.federal_ch77", "18 U.S.C. ch. 77", "a criminal section of chapter 77 qualifies"),
    ("predicate.federal_ch77_not_criminal", "18 U.S.C. ch. 77", "§§ 1593, 1595, 1596 are not criminal violations"),
    ("predicate.federal_not_ch77", "18 U.S.C. ch. 77", "other federal offenses do not qualify by citation"),
    ("predicate.not_trafficking_offense", "C.G.S. §§ 46b-146, 54-95c(a)", "other CT offenses do not qualify"),
    ("federal.conviction", "C.G.S. § 54-95c(a)", "federal convictions: not_eligible, flag federal_conviction"),
    ("federal.record", "C.G.S. § 54-142a", "other federal records: not_eligible"),
    ("charge.pending", "C.G.S. §§ 54-95c(a), 54-142a", "pending charges: not_eligible"),
    ("erasure.juvenile_dismissal", "C.G.S. § 46b-146", "juvenile dismissal / not delinquent: automatic"),
    ("juvenile.nolle", "C.G.S. § 46b-146", "juvenile nolle: needs_review"),
    ("erasure.youthful_offender", "C.G.S. § 54-76o", "youthful offender: automatic at 21"),
    ("erasure.youthful_offender_later_felony", "C.G.S. § 54-76o", "a felony conviction before 21: not_eligible"),
    ("erasure.youthful_offender_discharge_unknown", "C.G.S. § 54-76o", "discharge not recorded: needs_review"),
    ("erasure.dismissal", "C.G.S. § 54-142a(a)", "dismissal or acquittal: automatic after the appeal period"),
    ("erasure.nolle", "C.G.S. § 54-142a(c)", "nolle: automatic 13 months later"),
    ("ground.predicate", "C.G.S. §§ 46b-146, 54-95c(a)", "at least one predicate qualifies, else not_eligible"),
    ("ground.predicate_in_force", "C.G.S. §§ 46b-146, 54-95c(a)", "predicate enacted after the trafficking: review"),
    ("vacatur.class_eligible", "C.G.S. § 54-95c(a)", "misdemeanor, C/D/E felony, unclassified felony max <= 10"),
    ("vacatur.class_excluded", "C.G.S. § 54-95c(a)", "class A/B felony, unclassified felony max > 10: not_eligible"),
    ("vacatur.unclassified_max_unknown", "C.G.S. § 54-95c(a)", "unclassified felony, no maximum: needs_review"),
    ("vacatur.class_unknown", "C.G.S. § 54-95c(a)", "statute not in table, no class recorded: needs_review"),
    ("vacatur.class_depends_on_facts", "C.G.S. § 54-95c(a)", "candidate classes disagree: needs_review"),
    ("vacatur.class_not_in_force", "C.G.S. §§ 53a-25, 53a-26", "recorded class did not exist then: needs_review"),
    ("ground.nexus", "C.G.S. §§ 46b-146, 54-95c(a)", "related_to_trafficking: true ok, false fails, unset review"),
    ("ground.period", "C.G.S. §§ 46b-146, 54-95c(d)", "offense outside trafficking.period: needs_review"),
    ("juvenile.trafficking_ground", "C.G.S. § 46b-146", "juvenile adjudication on the trafficking ground: mandatory"),
    ("juvenile.general_ground", "C.G.S. § 46b-146", "nexus denied: the general juvenile ground may apply"),
    ("vacatur.relief_mandatory", "C.G.S. § 54-95c(d)", "§ 53a-82 conviction: mandatory"),
    ("vacatur.relief_discretionary", "C.G.S. § 54-95c(d)", "other eligible conviction: discretionary"),
    ("vacatur.then_erasure", "C.G.S. § 54-142a(a)", "vacated and dismissed: erasure follows"),
    ("vacatur.victim_notice", "C.G.S. § 54-95c(b)", "eligible with listed victims: notice required"),
    ("erasure.awaits_other_counts", MULTI_COUNT, "erasable count beside one that is not: public records only"),
    ("flag.minor_prostitution", "C.G.S. § 53a-82", "§ 53a-82 finding for an offense under 18"),
    ("prostitution.finding_barred", "C.G.S. § 53a-82", "the law on the offense date barred the finding"),
    ("flag.juvenile_age_in_adult_court", RAISE_THE_AGE, "adult conviction at an age the juvenile court covered"),
    ("notice.victim_list_missing", "C.G.S. § 54-95c(b)", "eligible, usually has a victim, none listed"),
    ("flag.clean_slate_may_apply", "C.G.S. § 54-142a(e)", "Clean Slate may already have erased it: never decided"),
    ("law.unverified", "erasure_docs/law", "a table row or parameter that decided is not verified"),
]

GUILT_FINDINGS = {Disposition.convicted, Disposition.youthful_offender, *JUVENILE_DISPOSITIONS}


# ---------------------------------------------------------------- predicates

def judge_predicate(citation: Citation, tables: Tables) -> PredicateOutcome:
    def outcome(qualifies: bool, rule: str, text: str, cite: str, unverified: bool = False) -> PredicateOutcome:
        return PredicateOutcome(citation.input, citation.canonical, citation.jurisdiction, qualifies,
                                (Reason(rule, text, cite),), unverified)

    if citation.jurisdiction == "CT":
        if citation.section == CT_TRAFFICKING:
            return outcome(True, "predicate.ct_trafficking",
                           "Trafficking in persons under C.G.S. § 53a-192a is a qualifying predicate.",
                           "C.G.S. § 53a-192a")
        return outcome(False, "predicate.not_trafficking_offense",
                       f"{citation.canonical} is not trafficking in persons; only conduct under C.G.S. § 53a-192a or "
                       "a criminal violation of 18 U.S.C. ch. 77 qualifies (the conduct may still be trafficking — "
                       "the attorney decides).", "C.G.S. §§ 46b-146, 54-95c(a)")
    row = tables.federal_ch77.get(citation.section) if citation.title == "18" else None
    if row is None:
        return outcome(False, "predicate.federal_not_ch77",
                       f"{citation.canonical} is not in 18 U.S.C. chapter 77 (peonage, slavery and trafficking in "
                       "persons, §§ 1581–1597); it qualifies only if the same conduct also violated chapter 77.",
                       "18 U.S.C. ch. 77")
    if not row.criminal:
        return outcome(False, "predicate.federal_ch77_not_criminal",
                       f"{citation.canonical} ({row.title}) is in chapter 77 but is not a criminal violation.",
                       "18 U.S.C. ch. 77", not row.verified)
    return outcome(True, "predicate.federal_ch77",
                   f"{citation.canonical} ({row.title}) is a criminal violation of 18 U.S.C. chapter 77.",
                   "18 U.S.C. ch. 77", not row.verified)


# ---------------------------------------------------------------- which pathway

def pathway_for(facts: ChargeFacts) -> Pathway:
    """Step 2: the proceeding and the disposition choose the pathway (a Connecticut, non-pending charge)."""
    disposition = facts.charge.disposition
    if facts.record.proceeding is Proceeding.juvenile:
        return PATHWAYS[PathwayId.juvenile]
    if disposition is Disposition.youthful_offender:
        return PATHWAYS[PathwayId.youthful_offender]
    if disposition in (Disposition.dismissed, Disposition.not_guilty, Disposition.nolle):
        return PATHWAYS[PathwayId.erasure]
    return PATHWAYS[PathwayId.vacatur]


def not_eligible(rule: str, text: str, cite: str, flags: tuple[str, ...] = ()) -> Decision:
    return Decision(Status.not_eligible, None, None, (Finding(FAIL, Reason(rule, text, cite), flags),))


def decide(facts: ChargeFacts, predicates: tuple[PredicateOutcome, ...]) -> Decision:
    """Steps 1–4 of the module docstring for one charge."""
    disposition = facts.charge.disposition
    if facts.is_federal:
        if disposition is Disposition.convicted:
            return not_eligible("federal.conviction", "A federal conviction cannot be vacated or erased by a "
                                "Connecticut court; federal relief (e.g. a pardon or a motion in the federal court) "
                                "must be considered separately.", "C.G.S. § 54-95c(a)", ("federal_conviction",))
        return not_eligible("federal.record", "This is a federal record; a Connecticut court cannot erase it.",
                            "C.G.S. § 54-142a")
    if disposition is Disposition.pending:
        return not_eligible("charge.pending", "The charge is still pending; there is no judgment to vacate or erase "
                            "yet.", "C.G.S. §§ 54-95c(a), 54-142a")
    return pathway_for(facts).judge(facts, predicates)


# ---------------------------------------------------------------- flags

def flags_for(facts: ChargeFacts, decision: Decision) -> tuple[list[str], list[Finding]]:
    """Flags an attorney should notice, with the reasons that explain the less obvious ones."""
    flags = [f for finding in decision.findings for f in finding.flags]
    extra: list[Finding] = []
    charge, age = facts.charge, facts.age_at_offense
    if facts.is_prostitution and charge.disposition in GUILT_FINDINGS and age is not None and age < 18:
        flags.append("minor_prostitution")
        extra += minor_prostitution_findings(facts, age)
    covered = juvenile_age_finding(facts)
    if covered:
        flags.append("juvenile_age_in_adult_court")
        extra.append(covered)
    if any(row.trafficking_related for row in facts.rows):
        flags.append("trafficking_related")
    if (decision.status is Status.eligible and decision.pathway is PathwayId.vacatur and not charge.victims
            and not charge.no_identifiable_victim and any(row.has_victim for row in facts.rows)):
        flags.append("victim_list_missing")  # the § 54-95c(b) notice matters only where vacatur is possible
        extra.append(Finding(INFO, Reason("notice.victim_list_missing",
                                          "This offense usually has an identifiable victim, but none is listed; "
                                          "each victim must be sent notice before vacatur.", "C.G.S. § 54-95c(b)")))
    period = facts.case.trafficking.period
    day = charge.offense_date
    if period and day and (day < period.start or (period.end and day > period.end)):
        flags.append("outside_trafficking_period")
    slate = clean_slate_finding(facts)
    if slate:
        flags.append("clean_slate_may_apply")
        extra.append(slate)
    if any(f.unverified for f in decision.findings):
        flags.append("unverified_law")
    return list(dict.fromkeys(flags)), extra


def minor_prostitution_findings(facts: ChargeFacts, age: int) -> list[Finding]:
    """The flag's reason, judged by the law on the offense date; a finding the law then barred says so."""
    day = facts.charge.offense_date
    assert day is not None  # an age is known only with an offense date
    law = prostitution_age(age, day, facts.tables)
    found = [Finding(INFO, Reason("flag.minor_prostitution", law.text, law.cite))]
    if law.barred:
        found.append(Finding(INFO, Reason("prostitution.finding_barred",
                                          "The law on the offense date did not allow this finding; the petition "
                                          "or application says so in its own paragraph.", law.cite)))
    return found


def juvenile_age_finding(facts: ChargeFacts) -> Finding | None:
    """An adult-court conviction for an offense at an age the juvenile court then covered: a question, never a verdict."""
    charge, age = facts.charge, facts.age_at_offense
    if (facts.record.proceeding is not Proceeding.adult or charge.disposition is not Disposition.convicted
            or facts.is_federal or age is None or charge.offense_date is None):
        return None
    why = juvenile_court_covered(age, charge.offense_date, facts.tables)
    if why is None:
        return None
    return Finding(INFO, Reason("flag.juvenile_age_in_adult_court",
                                f"{why} Unless the case was transferred to the adult docket, ask whether this "
                                "conviction belonged in juvenile court.", RAISE_THE_AGE),
                   (), juvenile_age_unverified(facts.tables))


def clean_slate_finding(facts: ChargeFacts) -> Finding | None:
    resolution = facts.resolution
    if resolution is None or facts.is_federal or len(resolution.candidates) != 1:
        return None
    [candidate] = resolution.candidates
    day = clean_slate_date(facts.case, facts.record, facts.charge, facts.citation, candidate.offense_class,
                           candidate.max_term_years, facts.tables)
    if day is None:
        return None
    return Finding(INFO, Reason("flag.clean_slate_may_apply",
                                f"Clean Slate may already have erased this conviction, from {long_date(day)}, if the "
                                "sentence was completed and no later conviction exists (the period runs from the most "
                                "recent conviction, and the case file may not list every one); check the record "
                                "before filing.", "C.G.S. § 54-142a(e)"))


def docket_decisions(counts: list[ChargeFacts], predicates: tuple[PredicateOutcome, ...]) -> list[Decision]:
    """Each count's decision; an erasable count beside one that stays loses only its public electronic records,
    and a vacated count's erasure then reaches only its public electronic records too (§ 54-142a)."""
    decisions = [decide(facts, predicates) for facts in counts]
    statuses, pathways = [d.status for d in decisions], [d.pathway for d in decisions]
    staying = [s is not Status.eligible and not (s is Status.automatic and p is PathwayId.erasure)
               for s, p in zip(statuses, pathways)]
    for i, facts in enumerate(counts):
        if awaits_other_counts(statuses, pathways, i):
            waiting = erasure_54_142a.judge(facts, predicates, public_only=True)
            when = f" (on {long_date(waiting.erasure_date)})" if waiting.erasure_date else ""
            decisions[i] = dataclasses.replace(waiting, findings=(*waiting.findings, Finding(INFO, Reason(
                "erasure.awaits_other_counts",
                f"Another count of docket {facts.record.docket_number} is not erasable now, and the records of an "
                "information with more than one count are erased only when every count is; until then only this "
                f"count's public electronic records go{when}. Vacating and dismissing the other counts would let the "
                "whole docket be erased.", MULTI_COUNT), ("awaits_other_counts",))))
        elif statuses[i] is Status.eligible and pathways[i] is PathwayId.vacatur and any(staying[:i] + staying[i + 1:]):
            decisions[i] = dataclasses.replace(decisions[i], findings=tuple(
                Finding(INFO, Reason("vacatur.then_erasure", "Once vacated and dismissed, this charge's public "
                                     "electronic records are erased; the docket's other records remain while another "
                                     "count stays.", MULTI_COUNT))
                if f.reason.rule == "vacatur.then_erasure" else f for f in decisions[i].findings))
    return decisions


# ---------------------------------------------------------------- the report

def judge_charge(facts: ChargeFacts, decision: Decision, docket_index: int, index: int) -> ChargeOutcome:
    flags, extra = flags_for(facts, decision)
    resolution = facts.resolution
    shown_class = resolution.settled.display if resolution and resolution.settled else None
    notice = (decision.status is Status.eligible and decision.pathway is PathwayId.vacatur
              and bool(facts.charge.victims))
    reasons = [f.reason for f in (*decision.findings, *extra)]
    if notice:
        count = len(facts.charge.victims)
        whom = "the listed victim" if count == 1 else f"each of the {count} listed victims"
        reasons.append(Reason("vacatur.victim_notice",
                              f"Notice of the application must be sent to {whom} by registered or certified mail, "
                              "on the form the Office of the Chief Court Administrator prescribes.",
                              "C.G.S. § 54-95c(b)"))
    if "unverified_law" in flags:
        reasons.append(Reason("law.unverified",
                              "A statute-table entry used in this decision has not yet been verified against the "
                              "statute text; counsel should confirm it (docs/law.md).", "erasure_docs/law"))
    return ChargeOutcome(
        docket_number=facts.record.docket_number, index=index, input_statute=facts.citation.input,
        citation=facts.citation.canonical, jurisdiction="federal" if facts.is_federal else "CT",
        offense_class=shown_class, age_at_offense=facts.age_at_offense, status=decision.status,
        pathway=decision.pathway, relief=decision.relief, victim_notice_required=notice,
        erasure_date=decision.erasure_date if decision.status is Status.automatic else None, flags=tuple(flags),
        reasons=tuple(reasons), record_index=docket_index, why=deciding(decision).text)


def deciding(decision: Decision) -> Reason:
    """The reason that decided the status: the first failed requirement, else the first uncertain one,
    else the last statement of relief."""
    for verdict in (FAIL, REVIEW):
        for finding in decision.findings:
            if finding.verdict == verdict:
                return finding.reason
    return decision.findings[-1].reason


def evaluate(case: Case, as_of: dt.date | None = None, tables: Tables | None = None) -> Report:
    """Apply the rules to every predicate and every charge of a validated case, then plan its documents.
    `as_of` is for callers that did not apply it at load (the API's `check` does)."""
    tables = tables or load_tables()
    if as_of is not None and as_of != case.as_of:
        case = case.model_copy(update={"as_of": as_of})
    predicates = tuple(judge_predicate(c, tables) for c in case.trafficking.predicates)
    charges = []
    for r, record in enumerate(case.records):
        counts = [ChargeFacts(case, record, charge, charge.statute,
                              tuple(tables.offense_rows(charge.statute)) if charge.statute.jurisdiction == "CT" else (),
                              tables) for charge in record.charges]
        for i, (facts, decision) in enumerate(zip(counts, docket_decisions(counts, predicates))):
            charges.append(judge_charge(facts, decision, r, i))
    planned = plan(case, charges)
    report = Report(case.case_id, case.as_of, tables.values.rules_version, predicates,
                    any(p.qualifies for p in predicates), tuple(charges), planned, document_kinds(planned))
    return dataclasses.replace(report, readiness=assess(case, report))  # readiness reads the planned documents
