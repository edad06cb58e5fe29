"""Rules that turn on the date a law took effect: juvenile jurisdiction, prostitution findings against
children, when a trafficking predicate existed, Clean Slate, and the multi-count clause of § 54-142a.

Every date and period comes from `parameters.yaml` (see docs/law.md); these functions only compare.
Each returns plain facts (a reason sentence, a date), so the engine decides what they do to an outcome.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from erasure_docs.citations import Citation
from erasure_docs.model import Case, Charge, Disposition, Proceeding, Record
from erasure_docs.offense_class import OffenseClass
from erasure_docs.rules.dates import birthday, long_date
from erasure_docs.rules.tables import Tables

RAISE_THE_AGE = "C.G.S. § 46b-120; P.A. 07-4, 09-7"


# ---------------------------------------------------------------- juvenile jurisdiction

def juvenile_court_covered(age: int, offense: dt.date, tables: Tables) -> str | None:
    """Why the juvenile court covered an offense at this age on this date, or None when it did not."""
    if age < 16:
        return f"The petitioner was {age} on the offense date, an age the juvenile court has always covered."
    values = tables.values
    since = {16: values.juvenile_jurisdiction_age_16_since, 17: values.juvenile_jurisdiction_age_17_since}.get(age)
    if since is None or offense < since:
        return None
    return (f"The petitioner was {age} on the offense date; since {long_date(since)} the juvenile court has "
            f"covered offenses committed at {age}.")


def juvenile_age_unverified(tables: Tables) -> bool:
    return not all(tables.parameters[name].verified for name in
                   ("juvenile_jurisdiction_age_16_since", "juvenile_jurisdiction_age_17_since"))


# ---------------------------------------------------------------- prostitution findings against children

@dataclass(frozen=True)
class ProstitutionAge:
    barred: bool  # the law on the offense date did not allow this finding at this age
    text: str
    cite: str
    unverified: bool
    since: dt.date | None = None  # for a barred finding: the day the bar took effect,
    under: int | None = None  # the age below which no one could be guilty,
    act: str = ""  # and the act that made the bar


def prostitution_age(age: int, offense: dt.date, tables: Tables) -> ProstitutionAge:
    """What the law said, on the offense date, about a prostitution finding against a person of this age (< 18)."""
    values, params = tables.values, tables.parameters
    under_18, under_16 = values.minor_prostitution_bar_date, values.minor_prostitution_under_16_bar_date
    presumed = values.minor_prostitution_presumption_date
    if offense >= under_18:
        return ProstitutionAge(True, f"The petitioner was {age} on the offense date; since {long_date(under_18)} no one "
                               "under 18 can be guilty of prostitution, so the law barred this finding.",
                               "C.G.S. § 53a-82 (P.A. 16-71)", not params["minor_prostitution_bar_date"].verified,
                               under_18, 18, "P.A. 16-71")
    if offense >= under_16 and age < 16:
        return ProstitutionAge(True, f"The petitioner was {age} on the offense date; since {long_date(under_16)} no one "
                               "under 16 can be guilty of prostitution, so the law barred this finding.",
                               "C.G.S. § 53a-82 (P.A. 10-115)",
                               not params["minor_prostitution_under_16_bar_date"].verified, under_16, 16, "P.A. 10-115")
    if offense >= presumed and age >= 16:
        return ProstitutionAge(False, f"The petitioner was {age} on the offense date; from {long_date(presumed)} a 16- "
                               "or 17-year-old charged with prostitution was presumed to be a victim of trafficking.",
                               "C.G.S. § 53a-82 (P.A. 10-115)",
                               not params["minor_prostitution_presumption_date"].verified)
    return ProstitutionAge(False, f"The petitioner was {age} on the offense date of this prostitution offense, a "
                           "strong sign that the child was a victim of trafficking.", "C.G.S. § 53a-82", False)


# ---------------------------------------------------------------- when the predicate existed

def predicates_not_in_force(citations: Sequence[Citation], period_end: dt.date | None,
                            tables: Tables) -> list[tuple[str, dt.date]]:
    """Each cited predicate that came into force after the trafficking period ended, with that date."""
    if period_end is None:
        return []
    since = tables.values.predicate_in_force_since
    return [(c.canonical, since[c.section_cite]) for c in citations
            if c.section_cite in since and period_end < since[c.section_cite]]


# ---------------------------------------------------------------- Clean Slate

def clean_slate_excluded(citation: Citation, tables: Tables) -> bool:
    """A section § 54-142a(e)(2) excludes; a bare section whose excluded part is a subsection counts as excluded."""
    excluded = tables.values.clean_slate_excluded_statutes
    return citation.key in excluded or citation.section in excluded or \
        any(s.startswith(citation.section + "(") for s in excluded)


def clean_slate_years(offense_class: OffenseClass | None, max_term: float | None, tables: Tables) -> int | None:
    """The Clean Slate period for a conviction of this class, or None when Clean Slate never reaches it."""
    values = tables.values
    if offense_class is None:
        return None
    if offense_class.kind == "misdemeanor":
        return values.clean_slate_misdemeanor_years
    if offense_class.kind != "felony":
        return None
    if offense_class.letter in ("D", "E"):
        return values.clean_slate_felony_years
    if offense_class.unclassified and max_term is not None and max_term <= values.clean_slate_unclassified_felony_max_years:
        return values.clean_slate_felony_years
    return None


def latest_conviction(case: Case) -> dt.date | None:
    days = [c.disposition_date for r in case.records for c in r.charges
            if c.disposition is Disposition.convicted and c.disposition_date]
    return max(days, default=None)


def clean_slate_date(case: Case, record: Record, charge: Charge, citation: Citation,
                     offense_class: OffenseClass | None, max_term: float | None, tables: Tables) -> dt.date | None:
    """The day Clean Slate may have erased this conviction, when that day has come by `case.as_of`; else None."""
    if record.proceeding is not Proceeding.adult or charge.disposition is not Disposition.convicted \
            or citation.jurisdiction != "CT" or charge.offense_date is None or charge.disposition_date is None:
        return None
    years = clean_slate_years(offense_class, max_term, tables)
    if years is None or clean_slate_excluded(citation, tables) \
            or charge.offense_date < tables.values.clean_slate_offenses_since:
        return None
    latest = latest_conviction(case) or charge.disposition_date
    day = max(birthday(latest, years), tables.values.clean_slate_in_effect_since)
    return day if day <= case.as_of else None


# ---------------------------------------------------------------- multi-count dockets

def awaits_other_counts(statuses: Sequence[str], pathways: Sequence[str | None], index: int) -> bool:
    """An erasable count (automatic under § 54-142a) on a docket where another count is not erasable now."""
    if statuses[index] != "automatic" or pathways[index] != "54-142a":
        return False
    return any(status != "automatic" for i, status in enumerate(statuses) if i != index)
