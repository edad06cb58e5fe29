"""A work copy of a case with the personal data taken out: names reduced to initials, the date of birth to
its year (a name in a script where one character is a whole syllable, such as Chinese, Korean or Japanese,
becomes "X."), every address, every victim, the arresting agency and the narrative removed. What is left still shows what the rules
decided on (dockets, statutes, dates of the offenses, dispositions), so it can go to co-counsel, into a
packet's embedded data, or into a bug report."""

from __future__ import annotations

import unicodedata
from typing import Any

from erasure_docs.model import Case

# Scripts in which one character is a syllable or a word: its "initial" is the name itself (王 → 王).
WHOLE_WORD_SCRIPTS = ("CJK", "HANGUL", "HIRAGANA", "KATAKANA", "YI ", "BOPOMOFO", "TANGUT", "KHITAN", "NUSHU")
HIDDEN_INITIAL = "X"


def initial(part: str) -> str:
    """The first letter of one part of a name, when it hides the rest: a one-letter part, or a letter of a
    script where one character is a whole syllable, gives HIDDEN_INITIAL instead."""
    first = part[0]
    if len(part) < 2 or unicodedata.name(first, "").startswith(WHOLE_WORD_SCRIPTS):
        return HIDDEN_INITIAL
    return first


def initials(name: str) -> str:
    return " ".join(f"{initial(part)}." for part in name.replace("-", " ").split() if part[0].isalpha())


def redact_case(case: Case) -> dict[str, Any]:
    data = case.model_dump(mode="json", exclude_none=True)
    petitioner = data["petitioner"]
    data["petitioner"] = {  # aliases, address, phone and email are dropped
        "first_name": initials(petitioner["first_name"]),
        "last_name": initials(petitioner["last_name"]),
        "birth_year": case.petitioner.date_of_birth.year,
        "address_is_acp": petitioner.get("address_is_acp", False),
    }
    if "attorney" in data:
        data["attorney"].pop("address", None)
    data["trafficking"].pop("narrative", None)  # (interpreter language and citizenship went with the petitioner)
    for evidence in data["trafficking"].get("evidence", []):
        evidence.pop("description", None)
        evidence.pop("author", None)  # a named official
    for record in data["records"]:
        if "name_on_record" in record:
            record["name_on_record"] = initials(record["name_on_record"])
        if "date_of_birth_on_record" in record:
            record["birth_year_on_record"] = int(record.pop("date_of_birth_on_record")[:4])
        if "prosecutor" in record:
            record["prosecutor"].pop("address", None)
        record.pop("arresting_agency", None)  # a small town's police department narrows down who it is
        for charge in record["charges"]:
            charge.pop("description", None)  # free text: it can quote a name or an alias
            charge.pop("sentence", None)
            charge.pop("discretion_factors", None)  # free text about the person's life
            count = len(charge.pop("victims", []))
            if count:
                charge["victim_count"] = count
    data["filing"].pop("prosecutor_address", None)
    data.pop("extra", None)
    data["redacted"] = True
    return data


WITHHELD = "[withheld]"


def redacted_for_rendering(case: Case) -> Case:
    """The case as `--redact` renders it: the same dockets, charges, dates and outcomes, with the client's
    name reduced to initials, every address, alias, telephone, e-mail and free-text description removed, each
    victim named "Victim N" without an address, and the narrative withheld."""
    petitioner = case.petitioner.model_copy(update={
        "first_name": initial(case.petitioner.first_name), "middle_name": None,
        "last_name": initial(case.petitioner.last_name),
        "suffix": None, "aliases": [], "address": None, "phone": None, "email": None})
    count = 0
    records = []
    for record in case.records:
        charges = []
        for charge in record.charges:
            victims = []
            for victim in charge.victims:
                count += 1
                notice = victim.notice.model_copy(update={"tracking_number": None}) if victim.notice else None
                victims.append(victim.model_copy(update={"name": f"Victim {count}", "address": None,
                                                         "notice": notice}))
            charges.append(charge.model_copy(update={"description": None, "sentence": None, "victims": victims}))
        records.append(record.model_copy(update={"charges": charges, "arresting_agency": None,
                                                 "name_on_record": record.name_on_record and initials(record.name_on_record)}))
    trafficking = case.trafficking.model_copy(update={
        "narrative": WITHHELD if case.trafficking.narrative else None,
        "evidence": [e.model_copy(update={"description": None}) for e in case.trafficking.evidence]})
    return case.model_copy(update={"petitioner": petitioner, "records": records, "trafficking": trafficking,
                                   "filing": case.filing.model_copy(update={"prosecutor_address": None}),
                                   "extra": {}})

