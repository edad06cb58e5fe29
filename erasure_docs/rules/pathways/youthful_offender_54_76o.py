"""§ 54-76o: youthful-offender records are erased by law on the petitioner's 21st birthday, provided the person
was discharged from supervision and was not convicted of a felony after the adjudication and before 21. A felony
conviction in that window is a fact (`not_eligible`); a discharge not recorded is a question (`needs_review`)."""

from __future__ import annotations

import datetime as dt

from erasure_docs.model import Charge, Disposition
from erasure_docs.rules.dates import birthday, long_date, ordinal
from erasure_docs.rules.facts import ChargeFacts, Decision, automatic, review
from erasure_docs.rules.outcome import FAIL, Finding, Reason, Status
from erasure_docs.rules.outcome import PathwayId, PredicateOutcome
from erasure_docs.rules.pathways.base import Pathway
from erasure_docs.rules.tables import Tables


def judge(facts: ChargeFacts, predicates: tuple[PredicateOutcome, ...]) -> Decision:
    """A youthful-offender adjudication (the predicates do not matter: erasure follows by law)."""
    age = facts.tables.values.youthful_offender_erasure_age
    unverified = not facts.tables.parameters["youthful_offender_erasure_age"].verified
    born = facts.case.petitioner.date_of_birth
    when = birthday(born, age)
    later = later_felony_before(facts, when)
    if later:
        return Decision(Status.not_eligible, PathwayId.youthful_offender, None, (Finding(FAIL, Reason(
            "erasure.youthful_offender_later_felony",
            f"Youthful-offender records are erased at age {age} only if no felony conviction follows the "
            f"adjudication before that birthday; the case lists one ({later}), so this law does not erase them.",
            "C.G.S. § 54-76o"), (), unverified),))
    discharged = facts.charge.discharge_date
    if discharged is None:
        return review(PathwayId.youthful_offender, "erasure.youthful_offender_discharge_unknown",
                      f"Youthful-offender records are erased at age {age} only once the person has been discharged "
                      "from the court's supervision or the agency's custody; no discharge date is recorded.",
                      "C.G.S. § 54-76o", unverified)
    when = max(when, discharged)  # discharged after the birthday: erased on discharge
    tense = "were erased" if when <= facts.case.as_of else "will be erased"
    return automatic(PathwayId.youthful_offender, "erasure.youthful_offender",
                     f"Youthful-offender records {tense} by law on {long_date(when)} (the petitioner's "
                     f"{ordinal(age)} birthday, or the discharge if later), no felony conviction having followed "
                     "before 21.", "C.G.S. § 54-76o", when, unverified)


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


PATHWAY = Pathway(PathwayId.youthful_offender, "C.G.S. § 54-76o", judge)
