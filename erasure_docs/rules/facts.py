"""What the pathways share: the facts about one charge (its class resolved once), the requirements two
pathways both check (the trafficking predicate, the attorney's nexus finding, the trafficking period), and
how findings combine into a decision."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from erasure_docs.citations import Citation
from erasure_docs.model import Case, Charge, CourtKind, Record
from erasure_docs.offense_class import OffenseClass
from erasure_docs.rules.checks import predicates_not_in_force
from erasure_docs.rules.dates import age_on, long_date
from erasure_docs.rules.outcome import (FAIL, INFO, PASS, REVIEW, Finding, PathwayId, PredicateOutcome, Reason,
                                        Relief, Status)
from erasure_docs.rules.tables import OffenseRow, Tables

CT_TRAFFICKING = "53a-192a"
PROSTITUTION = "53a-82"


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

    @cached_property
    def resolution(self) -> ClassResolution | None:
        """The offense class, resolved once per charge (Connecticut statutes only)."""
        return resolve_class(self) if self.citation.jurisdiction == "CT" else None


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
    values = tables.values
    return {("misdemeanor", "D"): values.class_d_misdemeanor_and_e_felony_since,
            ("felony", "E"): values.class_e_felony_since}.get((offense_class.kind, offense_class.letter))


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



# ---------------------------------------------------------------- requirements shared by the petition pathways

QUALIFYING_HINT = "C.G.S. § 53a-192a or a criminal section of 18 U.S.C. ch. 77 (e.g. §§ 1581, 1584, 1589–1592, 1594)"


def ground_predicate(predicates: tuple[PredicateOutcome, ...], cite: str) -> Finding:
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


def ground_predicate_in_force(facts: ChargeFacts, predicates: tuple[PredicateOutcome, ...],
                              cite: str) -> Finding | None:
    """A qualifying predicate that came into force only after the trafficking ended cannot carry the ground."""
    trafficking = facts.case.trafficking
    qualifying = [c for c, p in zip(trafficking.predicates, predicates) if p.qualifies]
    period_end = trafficking.period.end if trafficking.period else None
    late = predicates_not_in_force(qualifying, period_end, facts.tables)
    if not late or period_end is None:
        return None
    listed = "; ".join(f"{citation} from {long_date(day)}" for citation, day in late)
    if len(late) < len(qualifying):
        return Finding(PASS, Reason("ground.predicate_in_force",
                                    f"The trafficking ended on {long_date(period_end)}, before one cited predicate "
                                    f"existed ({listed}); the ground rests on the others.", cite),
                       ("predicate_not_in_force",))
    return Finding(REVIEW, Reason("ground.predicate_in_force",
                                  f"The trafficking ended on {long_date(period_end)}, before the cited predicate came "
                                  f"into force ({listed}), so the conduct cannot have violated it; counsel must decide "
                                  "whether it violated a law then in force.", cite),
                   ("predicate_not_in_force",), not facts.tables.parameters["predicate_in_force_since"].verified)


def ground_findings(facts: ChargeFacts, predicates: tuple[PredicateOutcome, ...], cite: str) -> list[Finding]:
    """The trafficking ground: a qualifying predicate, and one that existed while the trafficking went on."""
    in_force = ground_predicate_in_force(facts, predicates, cite) if any(p.qualifies for p in predicates) else None
    return [ground_predicate(predicates, cite)] + ([in_force] if in_force else [])


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


# ---------------------------------------------------------------- decisions

def combine(findings: list[Finding]) -> Status:
    """Any failed requirement → not eligible; else any uncertain one → needs review; else eligible."""
    verdicts = {f.verdict for f in findings}
    return Status.not_eligible if FAIL in verdicts else Status.needs_review if REVIEW in verdicts else Status.eligible


@dataclass(frozen=True)
class Decision:
    status: Status
    pathway: PathwayId | None
    relief: Relief | None
    findings: tuple[Finding, ...]
    erasure_date: dt.date | None = None


def automatic(pathway: PathwayId, rule: str, text: str, cite: str, erasure_date: dt.date | None,
              unverified: bool = False) -> Decision:
    """Records the law erases without a petition."""
    return Decision(Status.automatic, pathway, Relief.automatic,
                    (Finding(INFO, Reason(rule, text, cite), (), unverified),), erasure_date)


def review(pathway: PathwayId | None, rule: str, text: str, cite: str, unverified: bool = False) -> Decision:
    """A question the rules leave to the attorney."""
    return Decision(Status.needs_review, pathway, None, (Finding(REVIEW, Reason(rule, text, cite), (), unverified),))
