"""A work copy of a case with the personal data taken out: names reduced to initials, the date of birth to
its year, every address, every victim and the narrative removed. What is left still shows what the rules
decided on (dockets, statutes, dates of the offenses, dispositions), so it can go to co-counsel, into a
packet's embedded data, or into a bug report."""

from __future__ import annotations

from typing import Any

from erasure_docs.model import Case


def initials(name: str) -> str:
    return " ".join(f"{part[0]}." for part in name.replace("-", " ").split() if part[0].isalpha())


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
