"""The report's stable ids said in plain words, for the eligibility page."""

STATUS = {
    "eligible": "Eligible — a petition or application can be prepared now",
    "not_eligible": "Not eligible on the facts given",
    "needs_review": "Needs review — a deciding fact is missing or uncertain",
    "automatic": "Erased automatically — no petition is needed",
}
PATHWAY = {
    "46b-146": "Juvenile erasure (C.G.S. § 46b-146)",
    "54-95c": "Vacatur (C.G.S. § 54-95c)",
    "54-142a": "Erasure by law (C.G.S. § 54-142a)",
    "54-76o": "Youthful-offender erasure (C.G.S. § 54-76o)",
}
RELIEF = {"mandatory": "the court must grant it", "discretionary": "the court may grant it",
          "automatic": "happens without a petition"}
FLAGS = {
    "minor_prostitution": "A prostitution finding for an offense committed under 18.",
    "federal_conviction": "A federal record: it cannot be cleared in a Connecticut court.",
    "class_mismatch": "The class recorded on the judgment differs from the statute table for the offense date.",
    "victim_list_missing": "The offense usually has a victim, and none is listed.",
    "trafficking_related": "An offense that commonly results from trafficking.",
    "outside_trafficking_period": "The offense date falls outside the trafficking period.",
    "unverified_law": "A statute-table entry that decided this has not yet been verified against the statute text.",
    "awaits_other_counts": "Another count on this docket is not erasable: only public electronic records go "
                           "on the erasure date.",
    "juvenile_age_in_adult_court": "The person was a juvenile at the offense but the case was in adult court.",
    "predicate_not_in_force": "A trafficking predicate was not yet in force at the time of the offense.",
    "clean_slate_may_apply": "Clean Slate erasure (C.G.S. § 54-142a(e)) may also apply.",
}


def flag_words(flag: str) -> str:
    return FLAGS.get(flag, flag.replace("_", " ").capitalize() + ".")
