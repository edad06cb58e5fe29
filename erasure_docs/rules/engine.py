"""The eligibility engine: which records can be cleared, under which pathway, and why.

The order in which the rules apply, for each charge (each step is a small function below):

1. Where the record is: a federal record (court kind `federal` or a federal statute) is never petitioned in a
   Connecticut court (`federal.*`); a pending charge has nothing to clear yet (`charge.pending`).
2. Which pathway the proceeding and disposition select (`pathway_for`):
   juvenile dismissal / not delinquent → automatic, § 46b-146; juvenile adjudication, FWSN finding or
   statement of responsibility → § 46b-146 trafficking ground; youthful-offender adjudication → automatic at
   21, § 54-76o; adult (or youthful-offender-court) dismissal or acquittal → automatic, § 54-142a(a);
   nolle → automatic 13 months later, § 54-142a(c); adult conviction → § 54-95c.
3. For the two petition pathways, the requirements in order, every one evaluated and reported:
   the trafficking predicate (`ground.predicate`), for § 54-95c the offense class (`vacatur.class_*`), the
   attorney's nexus finding (`ground.nexus`), the trafficking period (`ground.period`).
   Any failed requirement → `not_eligible`; else any uncertain one → `needs_review`; else `eligible`.
4. Relief: § 46b-146 mandatory; § 54-95c mandatory for § 53a-82, discretionary otherwise; victim notice
   when eligible under § 54-95c and victims are listed.
5. Flags (`flags_for`), which never change the status except `outside_trafficking_period`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from erasure_docs.citations import Citation
from erasure_docs.model import JUVENILE_DISPOSITIONS, Case, Charge, CourtKind, Disposition, Proceeding, Record
from erasure_docs.offense_class import OffenseClass, parse_offense_class
from erasure_docs.rules.outcome import (FAIL, INFO, PASS, REVIEW, ChargeOutcome, Finding, PredicateOutcome, Reason,
                                        Report)
from erasure_docs.rules.tables import OffenseRow, Tables, load_tables

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
    ("erasure.youthful_offender_later_felony", "C.G.S. § 54-76o", "a later felony conviction: needs_review"),
    ("erasure.dismissal", "C.G.S. § 54-142a(a)", "dismissal or acquittal: automatic after the appeal period"),
    ("erasure.nolle", "C.G.S. § 54-142a(c)", "nolle: automatic 13 months later"),
    ("ground.predicate", "C.G.S. §§ 46b-146, 54-95c(a)", "at least one predicate qualifies, else not_eligible"),
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
    ("flag.minor_prostitution", "C.G.S. § 53a-82", "§ 53a-82 finding for an offense under 18"),
    ("notice.victim_list_missing", "C.G.S. § 54-95c(b)", "offense usually has a victim, none listed"),
    ("law.unverified", "erasure_docs/law", "a table row or parameter that decided is not verified"),
]

CT_TRAFFICKING = "53a-192a"
PROSTITUTION = "53a-82"
GUILT_FINDINGS = {Disposition.convicted, Disposition.youthful_offender, *JUVENILE_DISPOSITIONS}


# ---------------------------------------------------------------- dates

def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for last in (31, 30, 29, 28):  # clamp 31 January + 1 month to the end of February
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def birthday(born: dt.date, age: int) -> dt.date:
    try:
        return born.replace(year=born.year + age)
    except ValueError:  # born on 29 February
        return dt.date(born.year + age, 3, 1)


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def long_date(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


# ---------------------------------------------------------------- predicates

def judge_predicate(citation: Citation, tables: Tables) -> PredicateOutcome:
    def outcome(qualifies: bool, rule: str, text: str, cite: str, unverified: bool = False) -> PredicateOutcome:
        return PredicateOutcome(citation.input, citation.canonical, citation.jurisdiction, qualifies,
                                [Reason(rule, text, cite)], unverified)

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


QUALIFYING_HINT = "C.G.S. § 53a-192a or a criminal section of 18 U.S.C. ch. 77 (e.g. §§ 1581, 1584, 1589–1592, 1594)"


def ground_predicate(predicates: list[PredicateOutcome], cite: str) -> Finding:
    qualifying = [p for p in predicates if p.qualifies]
    if qualifying:
        return Finding(PASS, Reason("ground.predicate",
                                    f"The petitioner was a victim of conduct under {qualifying[0].citation}, a "
                                    "qualifying trafficking predicate.", cite),
                       unverified=all(p.unverified for p in qualifying))
    listed = ", ".join(p.citation for p in predicates)
    return Finding(FAIL, Reason("ground.predicate",
                                f"None of the predicates given ({listed}) qualifies; the relief requires conduct "
                                f"under {QUALIFYING_HINT}.", cite))


# ---------------------------------------------------------------- facts about one charge

@dataclass(frozen=True)
class ChargeFacts:
    case: Case
    record: Record
    charge: Charge
    citation: Citation
    rows: tuple[OffenseRow, ...]
    tables: Tables

    @property
    def is_federal(self) -> bool:
        return self.citation.jurisdiction == "federal" or self.record.court.kind is CourtKind.federal

    @property
    def age_at_offense(self) -> int | None:
        if self.charge.offense_date is None:
            return None
        return age_on(self.case.petitioner.date_of_birth, self.charge.offense_date)

    @property
    def is_prostitution(self) -> bool:
        return self.citation.jurisdiction == "CT" and self.citation.section == PROSTITUTION


@dataclass(frozen=True)
class Candidate:
    """One class the offense may have, with its maximum term; `offense_class` None: the table does not know."""

    offense_class: OffenseClass | None
    max_term_years: float | None
    verified: bool = True


@dataclass(frozen=True)
class ClassResolution:
    """The classes the decision weighs, where they came from, and what an attorney should notice."""

    candidates: tuple[Candidate, ...]
    from_table: bool
    mismatch: bool = False
    not_in_force: bool = False  # the recorded class did not exist on the offense date

    @property
    def settled(self) -> OffenseClass | None:
        classes = {c.offense_class for c in self.candidates}
        return classes.pop() if len(classes) == 1 else None


def table_candidates(facts: ChargeFacts) -> tuple[Candidate, ...]:
    """Every (class, maximum) the table allows for this citation on the offense date (any date when unknown)."""
    day, found = facts.charge.offense_date, []
    for row in facts.rows:
        for period in row.periods:
            if day is None or period.covers(day):
                found += [Candidate(c, period.max_term_years, row.verified) for c in period.classes] or \
                         [Candidate(None, None, row.verified)]
    return tuple(dict.fromkeys(found))


def class_created_on(offense_class: OffenseClass, tables: Tables) -> dt.date | None:
    """The date a class came into being (class D misdemeanors in 2012, class E felonies in 2013), or None."""
    name = {("misdemeanor", "D"): "class_d_misdemeanor_and_e_felony_since",
            ("felony", "E"): "class_e_felony_since"}.get((offense_class.kind, offense_class.letter))
    return dt.date.fromisoformat(str(tables.param(name))) if name else None


def resolve_class(facts: ChargeFacts) -> ClassResolution:
    """The judgment's class wins when recorded (a disagreement with the table is flagged); else the table's."""
    table = table_candidates(facts)
    recorded, recorded_max = facts.charge.offense_class, facts.charge.max_term_years
    if recorded is None:
        if recorded_max is not None:
            table = tuple(Candidate(c.offense_class, recorded_max, c.verified) for c in table)
        return ClassResolution(table, bool(table))
    created, day = class_created_on(recorded, facts.tables), facts.charge.offense_date
    not_in_force = bool(created and day and day < created)
    table_classes = {c.offense_class for c in table}
    table_max = next((c.max_term_years for c in table if c.offense_class == recorded), None)
    term = recorded_max if recorded_max is not None else table_max
    mismatch = (bool(table_classes - {None}) and recorded not in table_classes) or not_in_force
    return ClassResolution((Candidate(recorded, term),), False, mismatch, not_in_force)


# ---------------------------------------------------------------- § 54-95c requirements

def class_eligible_for_vacatur(candidate: Candidate, tables: Tables) -> bool | None:
    """True/False by § 54-95c(a); None when the class, or an unclassified felony's maximum, is unknown."""
    offense_class = candidate.offense_class
    if offense_class is None:
        return None
    if offense_class.kind == "felony" and offense_class.unclassified:
        if candidate.max_term_years is None:
            return None
        return candidate.max_term_years <= float(tables.param("vacatur_unclassified_felony_max_years"))
    return offense_class in {parse_offense_class(c) for c in tables.param("vacatur_eligible_classes")}


def verdicts_of(candidates: tuple[Candidate, ...], tables: Tables) -> set[bool | None]:
    return {class_eligible_for_vacatur(c, tables) for c in candidates}


def vacatur_class(facts: ChargeFacts, resolution: ClassResolution) -> Finding:
    cite, tables = "C.G.S. § 54-95c(a)", facts.tables
    limit = tables.param("vacatur_unclassified_felony_max_years")
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


def ground_nexus(charge: Charge, cite: str) -> Finding:
    if charge.related_to_trafficking is None:
        return Finding(REVIEW, Reason("ground.nexus",
                                      "The attorney has not yet decided whether this offense was a result of the "
                                      "trafficking (related_to_trafficking is not set).", cite))
    if charge.related_to_trafficking is False:
        return Finding(FAIL, Reason("ground.nexus",
                                    "The attorney found that this offense was not a result of the trafficking.", cite))
    return Finding(PASS, Reason("ground.nexus",
                                "The attorney found that this offense was a result of the petitioner being a "
                                "victim of trafficking.", cite))


def ground_period(facts: ChargeFacts, cite: str) -> Finding | None:
    period, day = facts.case.trafficking.period, facts.charge.offense_date
    if period is None:
        return None
    if day is None:
        return Finding(REVIEW, Reason("ground.period",
                                      "The offense date is not given, so it cannot be checked against the "
                                      "trafficking period.", cite))
    if day < period.start or (period.end is not None and day > period.end):
        end = long_date(period.end) if period.end else "the present"
        return Finding(REVIEW, Reason("ground.period",
                                      f"The offense date ({long_date(day)}) falls outside the trafficking period "
                                      f"({long_date(period.start)} to {end}); the court asks whether the petitioner "
                                      "was a victim at the time of the offense.", cite),
                       ("outside_trafficking_period",))
    return Finding(PASS, Reason("ground.period", "The offense falls within the trafficking period.", cite))


# ---------------------------------------------------------------- pathways

def combine(findings: list[Finding]) -> str:
    verdicts = {f.verdict for f in findings}
    return "not_eligible" if FAIL in verdicts else "needs_review" if REVIEW in verdicts else "eligible"


def vacatur(facts: ChargeFacts, predicates: list[PredicateOutcome]) -> tuple[str, str | None, list[Finding]]:
    """§ 54-95c: status, relief, findings."""
    resolution = resolve_class(facts)
    findings = [ground_predicate(predicates, "C.G.S. § 54-95c(a)"), vacatur_class(facts, resolution),
                ground_nexus(facts.charge, "C.G.S. § 54-95c(a)")]
    period = ground_period(facts, "C.G.S. § 54-95c(d)")
    findings += [period] if period else []
    status = combine(findings)
    relief = None
    if status == "eligible":
        findings.append(Finding(INFO, Reason("vacatur.then_erasure",
                                             "Once vacated and dismissed, the records are erased; the proposed order "
                                             "asks for erasure expressly.", "C.G.S. § 54-142a(a)")))
        if facts.is_prostitution:
            relief = "mandatory"
            findings.append(Finding(INFO, Reason("vacatur.relief_mandatory",
                                                 "For a prostitution conviction (§ 53a-82) the court must vacate the "
                                                 "conviction once the requirements are shown.", "C.G.S. § 54-95c(d)")))
        else:
            relief = "discretionary"
            findings.append(Finding(INFO, Reason("vacatur.relief_discretionary",
                                                 "For this offense the court may vacate the conviction in its "
                                                 "discretion.", "C.G.S. § 54-95c(d)")))
    return status, relief, findings


def juvenile_ground(facts: ChargeFacts, predicates: list[PredicateOutcome]) -> tuple[str, str | None, list[Finding]]:
    """§ 46b-146 trafficking ground: mandatory erasure, no waiting period."""
    cite = "C.G.S. § 46b-146"
    findings = [ground_predicate(predicates, cite), ground_nexus(facts.charge, cite)]
    period = ground_period(facts, cite)
    findings += [period] if period else []
    status = combine(findings)
    if status != "eligible":
        if facts.charge.related_to_trafficking is False:
            findings.append(Finding(INFO, Reason("juvenile.general_ground",
                                                 "The general juvenile erasure ground (waiting period after discharge, "
                                                 "age 18, no new cases) may still apply; this tool does not decide it.",
                                                 cite)))
        return status, None, findings
    findings.append(Finding(INFO, Reason("juvenile.trafficking_ground",
                                         "The record exists as a result of the child being a victim of trafficking, "
                                         "so the court shall order all police and court records erased; no waiting "
                                         "period applies.", cite)))
    return status, "mandatory", findings


@dataclass(frozen=True)
class Decision:
    status: str
    pathway: str | None
    relief: str | None
    findings: list[Finding]
    erasure_date: dt.date | None = None


def automatic(pathway: str, rule: str, text: str, cite: str, erasure_date: dt.date | None,
              unverified: bool = False) -> Decision:
    return Decision("automatic", pathway, "automatic", [Finding(INFO, Reason(rule, text, cite), (), unverified)],
                    erasure_date)


def dismissal(facts: ChargeFacts) -> Decision:
    tables, disposed = facts.tables, facts.charge.disposition_date
    # The appeal period only dates the erasure; it never decides the outcome, so it sets no unverified_law flag.
    days, unverified = int(tables.param("appeal_period_days")), False
    what = "found not guilty" if facts.charge.disposition is Disposition.not_guilty else "dismissed"
    if disposed is None:
        return automatic("54-142a", "erasure.dismissal",
                         f"The charge was {what}; its records are erased by law once the appeal period ends. The "
                         "disposition date is not given, so the erasure date cannot be stated.", "C.G.S. § 54-142a(a)",
                         None, unverified)
    when = disposed + dt.timedelta(days=days)
    return automatic("54-142a", "erasure.dismissal",
                     f"The charge was {what} on {long_date(disposed)}; its records are erased by law when the "
                     f"{days}-day appeal period ends ({long_date(when)}), without a petition.", "C.G.S. § 54-142a(a)",
                     when, unverified)


def nolle(facts: ChargeFacts) -> Decision:
    months = int(facts.tables.param("nolle_erasure_months"))
    unverified = not facts.tables.parameters["nolle_erasure_months"].verified
    disposed = facts.charge.disposition_date
    if disposed is None:
        return automatic("54-142a", "erasure.nolle",
                         f"The charge was nolled; its records are erased by law {months} months after the nolle. "
                         "The nolle date is not given, so the erasure date cannot be stated.", "C.G.S. § 54-142a(c)",
                         None, unverified)
    when = add_months(disposed, months)
    tense = "were erased" if when <= facts.case.as_of else "will be erased"
    return automatic("54-142a", "erasure.nolle",
                     f"The charge was nolled on {long_date(disposed)}; its records {tense} by law {months} months "
                     f"later, on {long_date(when)}, without a petition.", "C.G.S. § 54-142a(c)", when, unverified)


def youthful_offender(facts: ChargeFacts) -> Decision:
    age = int(facts.tables.param("youthful_offender_erasure_age"))
    unverified = not facts.tables.parameters["youthful_offender_erasure_age"].verified
    born = facts.case.petitioner.date_of_birth
    when = birthday(born, age)
    later = later_felony_before(facts, when)
    if later:
        return Decision("needs_review", "54-76o", None, [Finding(REVIEW, Reason(
            "erasure.youthful_offender_later_felony",
            f"Youthful-offender records are erased at age {age} only if no felony conviction followed; the case "
            f"lists a felony conviction ({later}) before that birthday.", "C.G.S. § 54-76o"), (), unverified)])
    tense = "were erased" if when <= facts.case.as_of else "will be erased"
    return automatic("54-76o", "erasure.youthful_offender",
                     f"Youthful-offender records {tense} by law on the petitioner's {ordinal(age)} birthday "
                     f"({long_date(when)}), provided no felony conviction followed.", "C.G.S. § 54-76o", when,
                     unverified)


def later_felony_before(facts: ChargeFacts, deadline: dt.date) -> str | None:
    """A listed adult felony conviction after this adjudication and before `deadline`, by docket number."""
    for record in facts.case.records:
        for charge in record.charges:
            if (charge.disposition is Disposition.convicted and charge.disposition_date
                    and facts.charge.disposition_date and facts.charge.disposition_date < charge.disposition_date
                    < deadline and is_felony(charge, facts.tables)):
                return record.docket_number
    return None


def is_felony(charge: Charge, tables: Tables) -> bool:
    if charge.offense_class is not None:
        return charge.offense_class.kind == "felony"
    if charge.statute.jurisdiction != "CT":
        return False
    facts_rows = tables.offense_rows(charge.statute)
    return any(c.kind == "felony" for row in facts_rows for p in row.periods for c in p.classes
               if charge.offense_date is None or p.covers(charge.offense_date))


def decide(facts: ChargeFacts, predicates: list[PredicateOutcome]) -> Decision:
    """Steps 1–4 of the module docstring for one charge."""
    charge, proceeding = facts.charge, facts.record.proceeding
    disposition = charge.disposition
    if facts.is_federal:
        if disposition is Disposition.convicted:
            return Decision("not_eligible", None, None, [Finding(FAIL, Reason(
                "federal.conviction", "A federal conviction cannot be vacated or erased by a Connecticut court; "
                "federal relief (e.g. a pardon or a motion in the federal court) must be considered separately.",
                "C.G.S. § 54-95c(a)"), ("federal_conviction",))])
        return Decision("not_eligible", None, None, [Finding(FAIL, Reason(
            "federal.record", "This is a federal record; a Connecticut court cannot erase it.",
            "C.G.S. § 54-142a"))])
    if disposition is Disposition.pending:
        return Decision("not_eligible", None, None, [Finding(FAIL, Reason(
            "charge.pending", "The charge is still pending; there is no judgment to vacate or erase yet.",
            "C.G.S. §§ 54-95c(a), 54-142a"))])
    if proceeding is Proceeding.juvenile:
        if disposition in (Disposition.dismissed, Disposition.not_guilty):
            return automatic("46b-146", "erasure.juvenile_dismissal",
                             "The juvenile charge was dismissed or found not delinquent; its records are erased "
                             "without a petition.", "C.G.S. § 46b-146", charge.disposition_date)
        if disposition is Disposition.nolle:
            return Decision("needs_review", "46b-146", None, [Finding(REVIEW, Reason(
                "juvenile.nolle", "How a nolle in a juvenile matter is erased is not settled in the rules; the "
                "attorney must decide whether to petition.", "C.G.S. § 46b-146"))])
        status, relief, findings = juvenile_ground(facts, predicates)
        return Decision(status, "46b-146", relief, findings)
    if disposition is Disposition.youthful_offender:
        return youthful_offender(facts)
    if disposition in (Disposition.dismissed, Disposition.not_guilty):
        return dismissal(facts)
    if disposition is Disposition.nolle:
        return nolle(facts)
    status, relief, findings = vacatur(facts, predicates)
    return Decision(status, "54-95c", relief, findings)


# ---------------------------------------------------------------- flags

def flags_for(facts: ChargeFacts, decision: Decision) -> tuple[list[str], list[Finding]]:
    """Flags an attorney should notice, with the reasons that explain the less obvious ones."""
    flags = [f for finding in decision.findings for f in finding.flags]
    extra: list[Finding] = []
    charge, age = facts.charge, facts.age_at_offense
    if facts.is_prostitution and charge.disposition in GUILT_FINDINGS and age is not None and age < 18:
        flags.append("minor_prostitution")
        extra.append(minor_prostitution_reason(facts))
    if any(row.trafficking_related for row in facts.rows):
        flags.append("trafficking_related")
    if (charge.disposition is Disposition.convicted and not facts.is_federal and not charge.victims
            and not charge.no_identifiable_victim and any(row.has_victim for row in facts.rows)):
        flags.append("victim_list_missing")
        extra.append(Finding(INFO, Reason("notice.victim_list_missing",
                                          "This offense usually has an identifiable victim, but none is listed; "
                                          "each victim must be sent notice before vacatur.", "C.G.S. § 54-95c(b)")))
    period = facts.case.trafficking.period
    day = charge.offense_date
    if period and day and (day < period.start or (period.end and day > period.end)):
        flags.append("outside_trafficking_period")
    if any(f.unverified for f in decision.findings):
        flags.append("unverified_law")
    return list(dict.fromkeys(flags)), extra


def minor_prostitution_reason(facts: ChargeFacts) -> Finding:
    tables, day = facts.tables, facts.charge.offense_date
    bar = dt.date.fromisoformat(str(tables.param("minor_prostitution_bar_date")))
    presumption = dt.date.fromisoformat(str(tables.param("minor_prostitution_presumption_date")))
    assert day is not None
    if day >= bar:
        return Finding(INFO, Reason("flag.minor_prostitution",
                                    f"The petitioner was under 18 on the offense date; since {long_date(bar)} no one "
                                    "under 18 can be guilty of prostitution, so this conviction should not exist.",
                                    "C.G.S. § 53a-82 (P.A. 16-71)"))
    if day >= presumption and (facts.age_at_offense or 0) >= 16:
        return Finding(INFO, Reason("flag.minor_prostitution",
                                    "The petitioner was 16 or 17 on the offense date; from "
                                    f"{long_date(presumption)} such a child was presumed to be a victim of "
                                    "trafficking.", "C.G.S. § 53a-82 (P.A. 10-115)"))
    return Finding(INFO, Reason("flag.minor_prostitution",
                                "The petitioner was under 18 on the offense date of this prostitution offense, a strong "
                                "sign that the child was a victim of trafficking.", "C.G.S. § 53a-82"))


# ---------------------------------------------------------------- the report

def judge_charge(facts: ChargeFacts, predicates: list[PredicateOutcome], docket_index: int, index: int) -> ChargeOutcome:
    decision = decide(facts, predicates)
    flags, extra = flags_for(facts, decision)
    resolution = resolve_class(facts) if facts.citation.jurisdiction == "CT" else None
    shown_class = resolution.settled.display if resolution and resolution.settled else None
    notice = decision.status == "eligible" and decision.pathway == "54-95c" and bool(facts.charge.victims)
    reasons = [f.reason for f in decision.findings + extra]
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
                              "statute text; counsel should confirm it.", "erasure_docs/law"))
    return ChargeOutcome(
        docket_number=facts.record.docket_number, index=index, input_statute=facts.citation.input,
        citation=facts.citation.canonical, jurisdiction="federal" if facts.is_federal else "CT",
        offense_class=shown_class, age_at_offense=facts.age_at_offense, status=decision.status,  # type: ignore[arg-type]
        pathway=decision.pathway, relief=decision.relief, victim_notice_required=notice,
        erasure_date=decision.erasure_date if decision.status == "automatic" else None, flags=flags, reasons=reasons,
        record_index=docket_index, why=deciding(decision).text)


def deciding(decision: Decision) -> Reason:
    """The reason that decided the status: the first failed requirement, else the first uncertain one,
    else the last statement of relief."""
    for verdict in (FAIL, REVIEW):
        for finding in decision.findings:
            if finding.verdict == verdict:
                return finding.reason
    return decision.findings[-1].reason


def evaluate(case: Case, as_of: dt.date | None = None, tables: Tables | None = None) -> Report:
    """Apply the rules to every predicate and every charge of a validated case."""
    tables = tables or load_tables()
    if as_of is not None and as_of != case.as_of:
        case = case.model_copy(update={"as_of": as_of})
    predicates = [judge_predicate(c, tables) for c in case.trafficking.predicates]
    charges = []
    for r, record in enumerate(case.records):
        for i, charge in enumerate(record.charges):
            rows = tuple(tables.offense_rows(charge.statute)) if charge.statute.jurisdiction == "CT" else ()
            facts = ChargeFacts(case, record, charge, charge.statute, rows, tables)
            charges.append(judge_charge(facts, predicates, r, i))
    from erasure_docs.rules.documents import planned_documents

    report = Report(case.case_id, case.as_of, str(tables.param("rules_version")), predicates,
                    any(p.qualifies for p in predicates), charges)
    report.documents = planned_documents(case, report)
    from erasure_docs.readiness import assess

    report.readiness = assess(case, report)
    return report
