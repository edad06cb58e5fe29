"""§ 46b-146: erasure of juvenile police and court records.

A juvenile dismissal or finding of not delinquent is erased without a petition; a nolle is left to the
attorney; an adjudication, FWSN finding or statement of responsibility is erased on the trafficking ground
(mandatory, no waiting period) once the predicate, the nexus and the period hold.
"""

from __future__ import annotations

from erasure_docs.model import Disposition
from erasure_docs.rules.facts import (ChargeFacts, Decision, automatic, combine, ground_findings, ground_nexus,
                                      ground_period, review)
from erasure_docs.rules.outcome import INFO, Finding, PathwayId, PredicateOutcome, Reason, Relief, Status
from erasure_docs.rules.pathways.base import Pathway


def judge(facts: ChargeFacts, predicates: tuple[PredicateOutcome, ...]) -> Decision:
    """A juvenile matter."""
    charge = facts.charge
    if charge.disposition in (Disposition.dismissed, Disposition.not_guilty):
        return automatic(PathwayId.juvenile, "erasure.juvenile_dismissal",
                         "The juvenile charge was dismissed or found not delinquent; its records are erased "
                         "without a petition.", "C.G.S. § 46b-146", charge.disposition_date)
    if charge.disposition is Disposition.nolle:
        return review(PathwayId.juvenile, "juvenile.nolle",
                      "How a nolle in a juvenile matter is erased is not settled in the rules; the attorney must "
                      "decide whether to petition.", "C.G.S. § 46b-146")
    return trafficking_ground(facts, predicates)


def trafficking_ground(facts: ChargeFacts, predicates: tuple[PredicateOutcome, ...]) -> Decision:
    """§ 46b-146 trafficking ground: mandatory erasure, no waiting period."""
    # a family-with-service-needs finding is a § 46b-149 matter
    cite = "C.G.S. §§ 46b-146, 46b-149" if facts.charge.disposition is Disposition.fwsn else "C.G.S. § 46b-146"
    findings = [*ground_findings(facts, predicates, cite), ground_nexus(facts.charge, cite)]
    period = ground_period(facts, cite)
    findings += [period] if period else []
    status = combine(findings)
    if status is not Status.eligible:
        if facts.charge.related_to_trafficking is False:
            findings.append(Finding(INFO, Reason("juvenile.general_ground",
                                                 "The general juvenile erasure ground (waiting period after discharge, "
                                                 "age 18, no new cases) may still apply; this tool does not decide it.",
                                                 cite)))
        return Decision(status, PathwayId.juvenile, None, tuple(findings))
    findings.append(Finding(INFO, Reason("juvenile.trafficking_ground",
                                         "The record exists as a result of the child being a victim of trafficking, "
                                         "so the court shall order all police and court records erased; no waiting "
                                         "period applies.", cite)))
    return Decision(status, PathwayId.juvenile, Relief.mandatory, tuple(findings))


PATHWAY = Pathway(
    PathwayId.juvenile, "C.G.S. § 46b-146", judge,
    relief_wording="Erase juvenile records (C.G.S. § 46b-146)",
    confirm=("Juvenile matters: confirm whether the clerk requires the official form JD-JM-12 (Erasure of "
             "Record, Petition/Order) with the petition.",))
