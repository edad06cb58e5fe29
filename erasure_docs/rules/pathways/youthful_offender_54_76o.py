"""§ 54-76o: youthful-offender records are erased by law on the petitioner's 21st birthday, provided no
felony conviction followed."""

from __future__ import annotations

import datetime as dt

from erasure_docs.model import Charge, Disposition
from erasure_docs.rules.dates import birthday, long_date, ordinal
from erasure_docs.rules.facts import ChargeFacts, Decision, automatic, review
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
        return review(PathwayId.youthful_offender, "erasure.youthful_offender_later_felony",
                      f"Youthful-offender records are erased at age {age} only if no felony conviction followed; "
                      f"the case lists a felony conviction ({later}) before that birthday.", "C.G.S. § 54-76o",
                      unverified)
    tense = "were erased" if when <= facts.case.as_of else "will be erased"
    return automatic(PathwayId.youthful_offender, "erasure.youthful_offender",
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


PATHWAY = Pathway(PathwayId.youthful_offender, "C.G.S. § 54-76o", judge)
