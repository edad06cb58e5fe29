"""The case file (format 1): the single definition of what erasure-docs accepts.

docs/case-file.md describes it for users. Every string is trimmed, NFC-normalised and checked for hidden
characters (see text.py); cross-field rules that need several fields are model validators, each raising
a `CaseProblem` bound to the field path it is about.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints,
                      model_validator)
from pydantic_core import PydanticCustomError

from erasure_docs.citations import Citation
from erasure_docs import courts
from erasure_docs.crossfield import MAX_CHARGES, MAX_VICTIMS, cross_field_problems  # noqa: F401 - the limits, here too
from erasure_docs.offense_class import OffenseClass
from erasure_docs.text import clean


def _clean_line(value: Any) -> Any:
    return clean(value) if isinstance(value, str) else value


def _clean_multiline(value: Any) -> Any:
    return clean(value, multiline=True) if isinstance(value, str) else value


def clean_tree(value: Any, path: str = "") -> Any:
    """Free-form values (under `extra`) get the same text hygiene as every other string."""
    if isinstance(value, str):
        try:
            return clean(value, multiline=True)
        except ValueError as exc:
            raise_problems([(path, str(exc))])
    if isinstance(value, dict):
        return {clean_tree(k, path): clean_tree(v, f"{path}.{k}".lstrip(".")) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_tree(v, f"{path}[{i}]") for i, v in enumerate(value)]
    return value


def _date_value(value: Any) -> Any:
    """A date is written YYYY-MM-DD (or is a date already): a number is never read as a date (Pydantic would
    take 0 as 1970-01-01 and 1e9 as a day in 2001)."""
    if isinstance(value, (dt.date, str)) or value is None:
        return value
    raise PydanticCustomError("date_type", "must be a date written YYYY-MM-DD")


# The most one case may hold (docs/case-file.md, "Limits"): far above any real person's history, low enough
# that one case cannot take a batch's memory and hours (200 dockets took over four minutes and a gigabyte).
MAX_RECORDS = 50
MAX_CHARGES_PER_RECORD = 50
MAX_VICTIMS_PER_CHARGE = 20
MAX_LIST = 20  # aliases, predicates, discretion factors
MAX_EVIDENCE = 50
# Case ids that would collide with what a batch writes next to the case folders, or that some disks refuse.
RESERVED_CASE_IDS = re.compile(r"(?i)^(batch-summary(\..*)?|(con|prn|aux|nul|com\d|lpt\d)(\..*)?|.*\.)$")


def _case_id_value(value: Any) -> Any:
    if isinstance(value, str) and RESERVED_CASE_IDS.match(value.strip()):
        raise PydanticCustomError("reserved_name", "is a name the tool or some disks reserve (batch-summary.*, "
                                                   "CON, NUL, …, or ending in '.'); choose another case id")
    return value


def _limits(max_length: int, pattern: str | None = None) -> StringConstraints:
    return StringConstraints(min_length=1, max_length=max_length, pattern=pattern)


# The constraints sit on the string itself (so the JSON Schema shows them); cleaning runs before them.
LINE, MULTILINE = BeforeValidator(_clean_line), BeforeValidator(_clean_multiline)
Name = Annotated[str, _limits(100), LINE]
AddressLine = Annotated[str, _limits(200), LINE]
Text = Annotated[str, _limits(1000), LINE]
Narrative = Annotated[str, _limits(20_000), MULTILINE]
CaseId = Annotated[str, _limits(64, r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"), LINE, AfterValidator(_case_id_value)]
Date = Annotated[dt.date, BeforeValidator(_date_value)]
Phone = Annotated[str, _limits(40, r"^[0-9+()./ x-]{7,40}$"), LINE]
Email = Annotated[str, _limits(254, r"^[^@\s]+@[^@\s]+\.[^@\s]+$"), LINE]
State = Annotated[str, _limits(2, r"^[A-Z]{2}$"), LINE]
Zip = Annotated[str, _limits(10, r"^\d{5}(-\d{4})?$"), LINE]
Suffix = Annotated[str, _limits(20), LINE]
JurisNumber = Annotated[str, _limits(6, r"^\d{6}$"), LINE]
TrackingNumber = Annotated[str, _limits(60), LINE]
DocketNumber = Annotated[str, _limits(60, r"^[A-Za-z0-9][A-Za-z0-9 ./#:-]*$"), LINE]
LanguageCode = Annotated[str, _limits(2, r"^[a-z]{2}$"), LINE]  # ISO 639-1


class Strict(BaseModel):
    """Unknown keys are refused: they are usually typos."""

    model_config = ConfigDict(extra="forbid", frozen=True)


Problems = list[tuple[str, str]]


def raise_problems(found: Problems) -> None:
    """Report every cross-field problem of a model at once; paths are relative to that model."""
    if found:
        summary = "; ".join(f"{path}: {message}" for path, message in found)
        raise PydanticCustomError("cross_field", "{summary}", {"summary": summary, "problems": found})


class Address(Strict):
    street: AddressLine
    city: AddressLine
    state: State
    zip: Zip


class Petitioner(Strict):
    first_name: Name
    middle_name: Name | None = None
    last_name: Name
    suffix: Suffix | None = None
    aliases: Annotated[list[Name], Field(max_length=MAX_LIST)] = []
    date_of_birth: Date
    # Circumstances that change the papers (docs/case-file.md): an affidavit translated for the client gets a
    # translator's certification; a non-citizen client gets the immigration warning on the review sheet.
    interpreter_language: Name | None = None
    non_citizen: bool = False
    address: Address | None = None
    address_is_acp: bool = False
    phone: Phone | None = None
    email: Email | None = None
    language: LanguageCode | None = None  # the client letter's language

    @property
    def full_name(self) -> str:
        parts = [self.first_name, self.middle_name, self.last_name]
        name = " ".join(p for p in parts if p)
        return f"{name}, {self.suffix}" if self.suffix else name

    @property
    def initials(self) -> str:
        return "".join(f"{n[0]}." for n in (self.first_name, self.last_name))


class Attorney(Strict):
    name: Name
    juris_number: JurisNumber
    firm: Text | None = None
    address: Address
    phone: Phone | None = None
    email: Email | None = None


class Period(Strict):
    start: Date
    end: Date | None = None


class EvidenceKind(str, Enum):
    t_visa = "t_visa"
    hhs_certification = "hhs_certification"
    hhs_eligibility_letter = "hhs_eligibility_letter"
    law_enforcement_declaration = "law_enforcement_declaration"
    service_provider_letter = "service_provider_letter"
    dcf_identification = "dcf_identification"
    trafficker_conviction = "trafficker_conviction"
    police_report = "police_report"
    i914_supplement_b = "i914_supplement_b"
    other = "other"


class Evidence(Strict):
    kind: EvidenceKind
    description: Text | None = None
    date: Date | None = None
    author: Text | None = None  # who signed it: "Special Agent J. Smith, Federal Bureau of Investigation"


class Trafficking(Strict):
    predicates: Annotated[list[Citation], Field(min_length=1, max_length=MAX_LIST)]
    period: Period | None = None
    evidence: Annotated[list[Evidence], Field(max_length=MAX_EVIDENCE)] = []
    narrative: Narrative | None = None


class CourtKind(str, Enum):
    ga = "ga"
    jd = "jd"
    juvenile = "juvenile"
    federal = "federal"


class Court(Strict):
    kind: CourtKind
    number: Annotated[int, Field(ge=1, le=99)] | None = None
    location: AddressLine


class Proceeding(str, Enum):
    adult = "adult"
    juvenile = "juvenile"
    youthful_offender = "youthful_offender"


class Disposition(str, Enum):
    convicted = "convicted"
    dismissed = "dismissed"
    nolle = "nolle"
    not_guilty = "not_guilty"
    pending = "pending"
    adjudicated_delinquent = "adjudicated_delinquent"
    fwsn = "fwsn"
    statement_of_responsibility = "statement_of_responsibility"
    youthful_offender = "youthful_offender"


JUVENILE_DISPOSITIONS = {Disposition.adjudicated_delinquent, Disposition.fwsn, Disposition.statement_of_responsibility}


class NoticeMethod(str, Enum):
    certified = "certified"
    registered = "registered"


class Notice(Strict):
    method: NoticeMethod
    tracking_number: TrackingNumber | None = None
    mailed_on: Date | None = None


class Victim(Strict):
    name: Name
    address: Address | None = None
    notice: Notice | None = None


class Charge(Strict):
    statute: Citation
    description: Text | None = None
    offense_class: OffenseClass | None = None
    max_term_years: Annotated[float, Field(gt=0, le=100)] | None = None
    offense_date: Date | None = None
    disposition: Disposition
    disposition_date: Date | None = None
    sentence: Text | None = None
    discharge_date: Date | None = None
    related_to_trafficking: bool | None = None
    family_violence: bool = False  # a family violence crime (C.G.S. § 46b-38a): filed papers name victims by initials
    victims: Annotated[list[Victim], Field(max_length=MAX_VICTIMS_PER_CHARGE)] = []
    no_identifiable_victim: bool = False  # the attorney's statement that an empty victim list is a decision
    discretion_factors: Annotated[list[Text], Field(max_length=MAX_LIST)] = []  # reasons for the court to exercise its discretion (§ 54-95c(d))

class Prosecutor(Strict):
    """The office served with a docket's papers, when it is not the one the court directory names."""

    office: Text
    address: Address


class Record(Strict):
    docket_number: DocketNumber
    court: Court
    proceeding: Proceeding
    arrest_date: Date | None = None
    arresting_agency: Text | None = None
    name_on_record: Annotated[Name | None, Field(
        description="The name the court record carries, when it is not the petitioner's legal name")] = None
    date_of_birth_on_record: Annotated[Date | None, Field(
        description="The date of birth the court record carries, when it is not the petitioner's")] = None
    prosecutor: Annotated[Prosecutor | None, Field(
        description="The office to serve for this docket, when not the one the court directory names")] = None
    charges: Annotated[list[Charge], Field(min_length=1, max_length=MAX_CHARGES_PER_RECORD)]

class Filing(Strict):
    date: Date | None = None
    # Deprecated (kept readable): the court directory names the office for each docket; see records[].prosecutor.
    prosecutor_office: Annotated[Text | None, Field(json_schema_extra={"deprecated": True})] = None
    prosecutor_address: Annotated[Address | None, Field(json_schema_extra={"deprecated": True})] = None
    request_hearing: bool = True
    seal_affidavit: bool = True
    use_initials: bool | None = None
    hearing_date: Date | None = None  # when set, a notice of the hearing goes to each victim


class Case(Strict):
    format: Literal[1] = 1
    case_id: CaseId
    as_of: Date = Field(default_factory=dt.date.today)
    petitioner: Petitioner
    attorney: Attorney | None = None
    trafficking: Trafficking
    records: Annotated[list[Record], Field(min_length=1, max_length=MAX_RECORDS)]
    filing: Filing = Filing()
    extra: Annotated[dict[str, Any], BeforeValidator(lambda value: clean_tree(value))] = {}

    @model_validator(mode="after")
    def _cross_field(self) -> Case:
        raise_problems(cross_field_problems(self.model_dump(mode="json")))
        return self

    @property
    def filing_date(self) -> dt.date:
        return self.filing.date or self.as_of

    def warnings(self) -> list[tuple[str, str]]:
        """Things that are allowed but probably wrong: (field path, message)."""
        found = []
        for i, record in enumerate(self.records):
            found += [(f"records[{i}].{path}", message)
                      for path, message in courts.court_findings(record.court, record.docket_number)[1]]
            for j, charge in enumerate(record.charges):
                if charge.victims and charge.disposition is not Disposition.convicted:
                    found.append((f"records[{i}].charges[{j}].victims",
                                  f"victims are listed but disposition is '{charge.disposition.value}'; "
                                  "victim notice only matters for a conviction"))
        from erasure_docs.i18n import letter_language  # the catalogs decide which languages exist
        if self.petitioner.language and letter_language(self.petitioner.language) != self.petitioner.language:
            found.append(("petitioner.language", "no translation of the client letter for this language code; "
                                                 "the letter will be in English"))
        deprecated = [f for f in ("prosecutor_office", "prosecutor_address") if getattr(self.filing, f) is not None]
        if deprecated:
            found.append((f"filing.{deprecated[0]}", "is deprecated: with both prosecutor fields it is served on every "
                          "adult docket, while the court directory names the office that prosecutes each one; remove "
                          "it, or use records[].prosecutor for a docket served elsewhere"))
        return found
