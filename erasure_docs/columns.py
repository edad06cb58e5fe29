"""Every spreadsheet column the tool reads or writes, defined once.

A column belongs to one level of the case (the person, a docket, a charge, a victim of a charge, an item of
evidence) and fills one field path below that level. The intake workbook gives each level its own sheet;
the older one-row-per-charge sheet puts the person, docket, charge and one victim side by side. Both read
cells through the same `kind` (see sheetio.convert), so a date, a ZIP code or a disposition is accepted in
the same forms everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from erasure_docs.model import CourtKind, Disposition, EvidenceKind, NoticeMethod, Proceeding

# Where each level's fields sit inside a case (a list level ends in "[]").
LEVEL_PATHS = {"case": "", "record": "records[]", "charge": "records[].charges[]",
               "victim": "records[].charges[].victims[]", "evidence": "trafficking.evidence[]"}


@dataclass(frozen=True, eq=False)  # each column is one object: compared and hashed by identity (fast, in every row)
class Column:
    name: str              # canonical header, e.g. "date_of_birth"
    level: str             # a key of LEVEL_PATHS
    path: str              # field path below the level, e.g. "petitioner.date_of_birth"
    kind: str = "text"     # text | date | choice | yesno | zip | state | int | number | list | id
    note: str = ""         # the header's comment in the workbook
    synonyms: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()  # for kind "choice": the model's values
    workbook: bool = True  # a column of the intake workbook (else only of the one-row-per-charge sheet)

    @property
    def title(self) -> str:
        """The header as the workbook prints it."""
        return self.name.replace("_", " ").capitalize()

    @property
    def full_path(self) -> str:
        prefix = LEVEL_PATHS[self.level]
        return f"{prefix}.{self.path}" if prefix else self.path


def _values(enum: type) -> tuple[str, ...]:
    return tuple(member.value for member in enum)  # type: ignore[attr-defined]


DATE_NOTE = "A date cell, or 2015-03-01, or 3/1/2015 (month/day/year)."
ZIP_NOTE = "Five digits (or ZIP+4). A ZIP typed as a number that lost its leading zero is restored."


def _address(level: str, prefix: str, path: str, whose: str = "") -> list[Column]:
    return [Column(f"{prefix}street", level, f"{path}.street", note=f"Street and unit{whose}.",
                   synonyms=(f"{prefix}address", f"{prefix}street address")),
            Column(f"{prefix}city", level, f"{path}.city", note=f"City or town{whose}.",
                   synonyms=(f"{prefix}town",)),
            Column(f"{prefix}state", level, f"{path}.state", "state", "Two letters, e.g. CT."),
            Column(f"{prefix}zip", level, f"{path}.zip", "zip", ZIP_NOTE,
                   synonyms=(f"{prefix}zip code", f"{prefix}zipcode", f"{prefix}postal code"))]


CASE_ID = Column("case_id", "case", "case_id", "id", "Your clinic's id for the person, e.g. CLINIC-2026-0101. "
                 "It joins this row to the other sheets; letters, digits, '.', '_' or '-'.",
                 ("case", "case no", "case number", "case #", "client id", "matter id"))
DOCKET = Column("docket_number", "record", "docket_number", "text", "The docket number exactly as the court "
                "record shows it, e.g. H14H-CR17-0102231-S. Joins charges to their docket.",
                ("docket", "docket no", "docket #", "docket num"))

COLUMNS: list[Column] = [
    CASE_ID,
    # ---- the person (sheet Cases)
    Column("first_name", "case", "petitioner.first_name", synonyms=("first", "given name", "forename")),
    Column("middle_name", "case", "petitioner.middle_name", synonyms=("middle", "middle initial")),
    Column("last_name", "case", "petitioner.last_name", synonyms=("last", "surname", "family name")),
    Column("suffix", "case", "petitioner.suffix", note="Jr., III, …"),
    Column("aliases", "case", "petitioner.aliases", "list", "Other names, separated by ';'.",
           ("alias", "aka", "a k a", "other names")),
    Column("date_of_birth", "case", "petitioner.date_of_birth", "date", DATE_NOTE,
           ("dob", "birth date", "birthdate", "born")),
    *_address("case", "", "petitioner.address", whose=" of the person"),
    Column("interpreter_language", "case", "petitioner.interpreter_language", note="The language the affidavit "
           "is translated into for the person, if any (a translator's certification is added).",
           synonyms=("interpreter", "language of interpreter")),
    Column("non_citizen", "case", "petitioner.non_citizen", "yesno", "yes when the person is not a U.S. citizen "
           "(the review sheet warns about immigration consequences).", ("noncitizen", "not a citizen")),
    Column("address_is_acp", "case", "petitioner.address_is_acp", "yesno",
           "yes when the address is an Address Confidentiality Program address.", ("acp", "acp address")),
    Column("phone", "case", "petitioner.phone", synonyms=("telephone", "phone number")),
    Column("email", "case", "petitioner.email", synonyms=("e mail", "email address")),
    Column("attorney_name", "case", "attorney.name", note="Leave the attorney columns empty for a person who "
           "files for themself.", synonyms=("attorney", "lawyer", "counsel")),
    Column("juris_number", "case", "attorney.juris_number", "id", "The attorney's 6-digit Juris number.",
           ("juris", "juris no", "juris #", "attorney juris number")),
    Column("firm", "case", "attorney.firm", synonyms=("law firm", "organization", "organisation")),
    *_address("case", "attorney_", "attorney.address", whose=" of the attorney"),
    Column("attorney_phone", "case", "attorney.phone"),
    Column("attorney_email", "case", "attorney.email"),
    Column("predicates", "case", "trafficking.predicates", "list", "The trafficking statutes, separated by ';', "
           "e.g. 53a-192a; 18 U.S.C. § 1591.", ("predicate", "trafficking statute", "trafficking statutes")),
    Column("trafficking_start", "case", "trafficking.period.start", "date", DATE_NOTE,
           ("trafficked from", "trafficking began")),
    Column("trafficking_end", "case", "trafficking.period.end", "date", DATE_NOTE,
           ("trafficked until", "trafficking ended")),
    Column("narrative", "case", "trafficking.narrative", note="The person's account for the affidavit. For a "
           "long account, leave this empty and save it as narratives/<case id>.txt beside the workbook.",
           synonyms=("account", "story", "statement")),
    Column("filing_date", "case", "filing.date", "date", DATE_NOTE, ("date of filing",)),
    # The older, case-wide override of the prosecutor (deprecated: the Records sheet has one per docket).
    Column("prosecutor_office", "case", "filing.prosecutor_office", workbook=False),
    *[replace(c, workbook=False) for c in _address("case", "prosecutor_", "filing.prosecutor_address")],
    Column("request_hearing", "case", "filing.request_hearing", "yesno", "yes (the default) or no."),
    Column("seal_affidavit", "case", "filing.seal_affidavit", "yesno", "yes (the default) or no."),
    Column("use_initials", "case", "filing.use_initials", "yesno", "yes to name the person by initials."),
    Column("hearing_date", "case", "filing.hearing_date", "date", "When a hearing is set, victims get notice "
           "of it. " + DATE_NOTE, ("date of hearing", "hearing")),
    Column("as_of", "case", "as_of", "date", "The date the law is applied as of (default: today). " + DATE_NOTE),
    Column("evidence", "case", "trafficking.evidence", "evidence_list", "The kinds of evidence, separated by "
           "';' (the workbook has a sheet for evidence instead).", workbook=False),
    # ---- a docket (sheet Records)
    DOCKET,
    Column("court_kind", "record", "court.kind", "choice", "ga (Geographical Area), jd (Judicial District), "
           "juvenile or federal.", ("court type", "kind of court"), _values(CourtKind)),
    Column("court_number", "record", "court.number", "int", "The G.A. number for a ga court, e.g. 14.",
           ("ga", "ga number", "ga no", "g a", "court no")),
    Column("court_location", "record", "court.location", note="The court's town, as the court directory names it.",
           synonyms=("court", "location", "court town", "court location")),
    Column("proceeding", "record", "proceeding", "choice", "adult, juvenile or youthful offender.",
           ("proceeding type", "case type"), _values(Proceeding)),
    Column("arrest_date", "record", "arrest_date", "date", DATE_NOTE, ("date of arrest", "arrested")),
    Column("arresting_agency", "record", "arresting_agency", synonyms=("agency", "police department",
                                                                       "arresting department")),
    Column("name_on_record", "record", "name_on_record", note="The name the court record carries, when it is not "
           "the person's legal name.", synonyms=("record name", "name on file")),
    Column("date_of_birth_on_record", "record", "date_of_birth_on_record", "date", "The date of birth the court "
           "record carries, when it is not the person's. " + DATE_NOTE, ("dob on record",)),
    Column("docket_prosecutor_office", "record", "prosecutor.office", note="Only when this docket is served on "
           "another office than the court directory names (then give its address too).",
           synonyms=("prosecutor office", "prosecutor")),
    *[replace(c, synonyms=c.synonyms + (c.name.removeprefix("docket_"),))
      for c in _address("record", "docket_prosecutor_", "prosecutor.address", whose=" of that office")],
    # ---- a charge (sheet Charges)
    Column("statute", "charge", "statute", note="The statute charged, e.g. 53a-82.",
           synonyms=("charge", "section", "statute charged", "citation")),
    Column("description", "charge", "description", synonyms=("charge description", "offense", "offence")),
    Column("offense_class", "charge", "offense_class", note="As the judgment states it, e.g. A misdemeanor, "
           "D felony (leave empty to use the statute table).", synonyms=("class", "offence class")),
    Column("max_term_years", "charge", "max_term_years", "number", "Only for an unclassified offense.",
           ("max term", "maximum term", "max years")),
    Column("offense_date", "charge", "offense_date", "date", DATE_NOTE, ("date of offense", "offence date")),
    Column("disposition", "charge", "disposition", "choice", "How the charge ended.",
           ("outcome", "result", "finding"), _values(Disposition)),
    Column("disposition_date", "charge", "disposition_date", "date", DATE_NOTE,
           ("date of disposition", "sentence date", "sentencing date")),
    Column("sentence", "charge", "sentence"),
    Column("discharge_date", "charge", "discharge_date", "date", "When the sentence or commitment ended. "
           + DATE_NOTE, ("date of discharge", "discharged")),
    Column("related_to_trafficking", "charge", "related_to_trafficking", "yesno",
           "yes when the offense resulted from the trafficking.", ("related", "trafficking related")),
    Column("no_identifiable_victim", "charge", "no_identifiable_victim", "yesno", "yes when counsel has decided "
           "that the offense has no identifiable victim (otherwise list its victims on the Victims sheet).",
           ("no victim", "no identifiable victims")),
    Column("discretion_factors", "charge", "discretion_factors", "list", "Reasons for the court to exercise "
           "its discretion, separated by ';'.", ("discretion", "factors")),
    # ---- a victim of a charge (sheet Victims; one per row of the old sheet)
    Column("victim_name", "victim", "name", note="A person or business harmed by the offense, who must be "
           "notified.", synonyms=("victim",)),
    *_address("victim", "victim_", "address", whose=" of the victim"),
    Column("notice_method", "victim", "notice.method", "choice", "certified or registered mail, once mailed.",
           ("mailed by", "mail method"), _values(NoticeMethod)),
    Column("tracking_number", "victim", "notice.tracking_number", "id", "The mail tracking number.",
           ("tracking", "tracking no")),
    Column("mailed_on", "victim", "notice.mailed_on", "date", DATE_NOTE, ("date mailed", "mailed")),
    # ---- an item of evidence (sheet Evidence)
    Column("evidence_kind", "evidence", "kind", "choice", "What the document is.", ("evidence type",),
           _values(EvidenceKind)),
    Column("evidence_description", "evidence", "description", note="Who wrote it, what it says.",
           synonyms=("description of evidence",)),
    Column("evidence_date", "evidence", "date", "date", DATE_NOTE),
    Column("evidence_author", "evidence", "author", note="Who signed it, e.g. Special Agent J. Smith, Federal "
           "Bureau of Investigation.", synonyms=("signed by", "signer")),
]

BY_NAME = {column.name: column for column in COLUMNS}
