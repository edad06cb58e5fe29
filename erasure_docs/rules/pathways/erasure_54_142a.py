"""§ 54-142a: records of an adult charge that was dismissed, acquitted or nolled are erased by law, without a
petition: after the appeal period (§ 54-142a(a)) or 13 months after the nolle (§ 54-142a(c)). An information with
more than one count is erased only when every count is; until then only the public electronic records of an
erasable count go (the multi-count clause; the engine says when a docket keeps a count)."""

from __future__ import annotations

import datetime as dt

from erasure_docs.model import Disposition
from erasure_docs.rules.dates import add_months, long_date
from erasure_docs.rules.facts import ChargeFacts, Decision, automatic
from erasure_docs.rules.outcome import PathwayId, PredicateOutcome
from erasure_docs.rules.pathways.base import Pathway


MULTI_COUNT = "C.G.S. § 54-142a, multi-count clause"  # the same words are in § 54-142u(b)


def judge(facts: ChargeFacts, predicates: tuple[PredicateOutcome, ...], public_only: bool = False) -> Decision:
    """A dismissal, an acquittal or a nolle (the predicates do not matter: erasure follows by law);
    `public_only`: another count of the docket stays, so only the public electronic records go."""
    if facts.charge.disposition is Disposition.nolle:
        return nolle(facts, public_only)
    return dismissal(facts, public_only)


def dismissal(facts: ChargeFacts, public_only: bool = False) -> Decision:
    tables, disposed = facts.tables, facts.charge.disposition_date
    # The appeal period only dates the erasure; it never decides the outcome, so it sets no unverified_law flag.
    days, unverified = tables.values.appeal_period_days, False
    what = "found not guilty" if facts.charge.disposition is Disposition.not_guilty else "dismissed"
    records = "public electronic records" if public_only else "records"
    if disposed is None:
        return automatic(PathwayId.erasure, "erasure.dismissal",
                         f"The charge was {what}; its {records} are erased by law once the appeal period ends. The "
                         "disposition date is not given, so the erasure date cannot be stated.", "C.G.S. § 54-142a(a)",
                         None, unverified)
    when = disposed + dt.timedelta(days=days)
    return automatic(PathwayId.erasure, "erasure.dismissal",
                     f"The charge was {what} on {long_date(disposed)}; its {records} are erased by law when the "
                     f"{days}-day appeal period ends ({long_date(when)}), without a petition.", "C.G.S. § 54-142a(a)",
                     when, unverified)


def nolle(facts: ChargeFacts, public_only: bool = False) -> Decision:
    months = facts.tables.values.nolle_erasure_months
    unverified = not facts.tables.parameters["nolle_erasure_months"].verified
    disposed, records = facts.charge.disposition_date, "public electronic records" if public_only else "records"
    if disposed is None:
        return automatic(PathwayId.erasure, "erasure.nolle",
                         f"The charge was nolled; its {records} are erased by law {months} months after the nolle. "
                         "The nolle date is not given, so the erasure date cannot be stated.", "C.G.S. § 54-142a(c)",
                         None, unverified)
    when = add_months(disposed, months)
    tense = "were erased" if when <= facts.case.as_of else "will be erased"
    return automatic(PathwayId.erasure, "erasure.nolle",
                     f"The charge was nolled on {long_date(disposed)}; its {records} {tense} by law {months} months "
                     f"later, on {long_date(when)}, without a petition.", "C.G.S. § 54-142a(c)", when, unverified)


PATHWAY = Pathway(PathwayId.erasure, "C.G.S. § 54-142a", judge)
