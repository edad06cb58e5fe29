"""The statute tables and legal parameters, read from the YAML files counsel reviews (erasure_docs/law/).

Python holds no statute facts: every class, maximum term, date and waiting period comes from these files,
each row with its source and a `verified` flag.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from erasure_docs.citations import Citation
from erasure_docs.errors import ErasureDocsError
from erasure_docs.offense_class import OffenseClass, parse_offense_class

LAW_DIR = Path(__file__).resolve().parent.parent / "law"


class TableError(ErasureDocsError):
    """A data file that does not follow its documented format (a maintainer's error, not a user's)."""


@dataclass(frozen=True)
class ClassPeriod:
    start: dt.date | None  # inclusive
    until: dt.date | None  # exclusive
    classes: tuple[OffenseClass, ...]  # empty: unknown; several: depends on facts the citation does not show
    max_term_years: float | None

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or day >= self.start) and (self.until is None or day < self.until)


@dataclass(frozen=True)
class OffenseRow:
    statute: str  # table key: section, plus subsection where the class depends on it
    title: str
    periods: tuple[ClassPeriod, ...]
    has_victim: bool
    trafficking_related: bool
    verified: bool
    source: str
    notes: str = ""

    @property
    def cite(self) -> str:
        return f"C.G.S. § {self.statute}"


@dataclass(frozen=True)
class FederalRow:
    section: str
    title: str
    criminal: bool
    verified: bool
    source: str
    notes: str = ""


@dataclass(frozen=True)
class Parameter:
    name: str
    value: Any
    source: str
    verified: bool
    unit: str = ""
    notes: str = ""


@dataclass(frozen=True)
class Parameters:
    """The parameters the rules read, typed and parsed once at load. For the rules to use a new entry of
    parameters.yaml, add a field here and a line to `_parameters`."""

    rules_version: str
    appeal_period_days: int
    nolle_erasure_months: int
    youthful_offender_erasure_age: int
    minor_prostitution_bar_date: dt.date
    minor_prostitution_presumption_date: dt.date
    vacatur_unclassified_felony_max_years: float
    vacatur_eligible_classes: frozenset[OffenseClass]
    class_d_misdemeanor_and_e_felony_since: dt.date
    class_e_felony_since: dt.date
    minor_prostitution_under_16_bar_date: dt.date
    juvenile_jurisdiction_age_16_since: dt.date
    juvenile_jurisdiction_age_17_since: dt.date
    predicate_in_force_since: dict[str, dt.date]  # canonical citation of the section → the day it took effect
    clean_slate_in_effect_since: dt.date
    clean_slate_offenses_since: dt.date
    clean_slate_misdemeanor_years: int
    clean_slate_felony_years: int
    clean_slate_unclassified_felony_max_years: float
    clean_slate_excluded_statutes: frozenset[str]


@dataclass(frozen=True)
class Tables:
    offenses: dict[str, OffenseRow]
    federal_ch77: dict[str, FederalRow]
    parameters: dict[str, Parameter]  # every row of parameters.yaml, with its source and `verified`
    values: Parameters  # the ones the rules use, typed

    def param(self, name: str) -> Any:
        """A parameter's raw value (the rules read `values` instead)."""
        try:
            return self.parameters[name].value
        except KeyError:
            raise TableError(f"parameters.yaml has no '{name}'") from None

    def offense_rows(self, citation: Citation) -> list[OffenseRow]:
        """The most specific rows for a Connecticut citation: `53-21(a)(2)` → that row, else `53-21(a)`,
        else `53-21`; a bare `53-21` with only subsection rows → all of them (the class depends on which)."""
        key = citation.key
        while True:
            if key in self.offenses:
                return [self.offenses[key]]
            if "(" not in key:
                break
            key = key[: key.rindex("(")]
        prefix = citation.section + "("
        return [row for k, row in self.offenses.items() if k.startswith(prefix)]


def _date(value: Any, where: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise TableError(f"{where}: '{value}' is not a date") from None


def _classes(value: Any, where: str) -> tuple[OffenseClass, ...]:
    values = value if isinstance(value, list) else ([] if value is None else [value])
    try:
        return tuple(parse_offense_class(v) for v in values)
    except ValueError as exc:
        raise TableError(f"{where}: {exc}") from None


def _required_date(value: Any, where: str) -> dt.date:
    day = _date(value, where)
    if day is None:
        raise TableError(f"parameters.yaml: {where} must be a date")
    return day


def _parameters(rows: dict[str, Parameter]) -> Parameters:
    def value(name: str) -> Any:
        if name not in rows:
            raise TableError(f"parameters.yaml has no '{name}'")
        return rows[name].value

    dates = {name: _required_date(value(name), name) for name in (
        "minor_prostitution_bar_date", "minor_prostitution_presumption_date",
        "class_d_misdemeanor_and_e_felony_since", "class_e_felony_since", "minor_prostitution_under_16_bar_date",
        "juvenile_jurisdiction_age_16_since", "juvenile_jurisdiction_age_17_since", "clean_slate_in_effect_since",
        "clean_slate_offenses_since")}
    try:
        return Parameters(
            rules_version=str(value("rules_version")), appeal_period_days=int(value("appeal_period_days")),
            nolle_erasure_months=int(value("nolle_erasure_months")),
            youthful_offender_erasure_age=int(value("youthful_offender_erasure_age")),
            vacatur_unclassified_felony_max_years=float(value("vacatur_unclassified_felony_max_years")),
            vacatur_eligible_classes=frozenset(_classes(value("vacatur_eligible_classes"),
                                                        "vacatur_eligible_classes")),
            predicate_in_force_since={str(k): _required_date(v, f"predicate_in_force_since: {k}")
                                      for k, v in dict(value("predicate_in_force_since")).items()},
            clean_slate_misdemeanor_years=int(value("clean_slate_misdemeanor_years")),
            clean_slate_felony_years=int(value("clean_slate_felony_years")),
            clean_slate_unclassified_felony_max_years=float(value("clean_slate_unclassified_felony_max_years")),
            clean_slate_excluded_statutes=frozenset(str(s) for s in value("clean_slate_excluded_statutes")),
            **dates)
    except (TypeError, ValueError) as exc:
        raise TableError(f"parameters.yaml: {exc}") from None


def _offense_row(raw: dict[str, Any]) -> OffenseRow:
    key = str(raw["statute"])
    periods = tuple(
        ClassPeriod(_date(p.get("from"), key), _date(p.get("until"), key), _classes(p.get("class"), key),
                    None if p.get("max_term_years") is None else float(p["max_term_years"]))
        for p in raw["periods"])
    return OffenseRow(key, str(raw.get("title", "")), periods, bool(raw.get("has_victim", False)),
                      bool(raw.get("trafficking_related", False)), bool(raw.get("verified", False)),
                      str(raw.get("source", "")), str(raw.get("notes") or ""))


def _read(name: str) -> Any:
    with open(LAW_DIR / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@cache
def load_tables() -> Tables:
    offenses: dict[str, OffenseRow] = {}
    for raw in _read("ct_offenses.yaml"):
        row = _offense_row(raw)
        if row.statute in offenses:
            raise TableError(f"ct_offenses.yaml: {row.statute} appears twice")
        offenses[row.statute] = row
    federal = {str(r["section"]).upper(): FederalRow(str(r["section"]).upper(), str(r.get("title", "")),
                                                     bool(r["criminal"]), bool(r.get("verified", False)),
                                                     str(r.get("source", "")), str(r.get("notes") or ""))
               for r in _read("federal_ch77.yaml")}
    parameters = {name: Parameter(name, raw["value"], str(raw.get("source", "")), bool(raw.get("verified", False)),
                                  str(raw.get("unit", "")), str(raw.get("notes") or ""))
                  for name, raw in _read("parameters.yaml").items()}
    return Tables(offenses, federal, parameters, _parameters(parameters))
