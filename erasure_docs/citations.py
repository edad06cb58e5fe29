"""One parser for the statute citations found in case files and court records.

Connecticut: `53a-192a`, `C.G.S. § 53a-192a(a)(1)`, `CGS 53a-192a`, `Conn. Gen. Stat. § 53a-192a`,
`Sec. 21a-279(c)`. Federal: `18 USC 1591`, `18 U.S.C. § 1591(a)(1)`, `18 U.S.C. 1591`,
`Title 18, Section 1591`. The input is kept next to the parsed parts, so a document can quote what
the court record says while the rules work on the canonical form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic_core import core_schema

SUBSECTIONS = r"(?P<sub>(?:\s*\(\s*[A-Za-z0-9]{1,6}\s*\))*)"
SECTION_SIGN = r"(?:§{1,2}|sec(?:tion|s)?\.?|s\.)?\s*"

CT_PREFIX = (
    r"(?:(?:c\.?\s*g\.?\s*s\.?\s*a?\.?|conn(?:ecticut)?\.?\s*gen(?:eral)?\.?\s*stat(?:utes?)?\.?(?:\s*ann\.?)?"
    r"|general\s+statutes(?:\s+of\s+connecticut)?|g\.\s*s\.)\s*,?\s*)?"
)
CT_PATTERN = re.compile(
    rf"^{CT_PREFIX}{SECTION_SIGN}(?P<title>\d{{1,3}}[a-z]{{0,2}})\s*-\s*(?P<num>\d{{1,4}}[a-z]{{0,4}}){SUBSECTIONS}$",
    re.IGNORECASE,
)
FEDERAL_PATTERN = re.compile(
    rf"^(?:(?P<title>\d{{1,2}})\s*u\.?\s*s\.?\s*c\.?\s*(?:a\.?\s*)?,?\s*{SECTION_SIGN}"
    rf"|title\s+(?P<title2>\d{{1,2}})\b\s*,?\s*(?:u\.?\s*s\.?\s*c\.?\s*,?\s*)?{SECTION_SIGN})"
    rf"(?P<num>\d{{1,5}}[a-z]?(?:-\d+)?){SUBSECTIONS}$",
    re.IGNORECASE,
)


class CitationError(ValueError):
    pass


@dataclass(frozen=True)
class Citation:
    """A parsed statute citation. `section` is the canonical section number, `subsection` e.g. "(a)(1)"."""

    input: str
    jurisdiction: Literal["CT", "federal"]
    title: str
    section: str
    subsection: str = ""

    @property
    def section_cite(self) -> str:
        if self.jurisdiction == "CT":
            return f"C.G.S. § {self.section}"
        return f"{self.title} U.S.C. § {self.section}"

    @property
    def canonical(self) -> str:
        return self.section_cite + self.subsection

    @property
    def key(self) -> str:
        """Section plus subsection, as statute tables spell their keys: `53-21(a)(2)`, `1591`."""
        return self.section + self.subsection

    def __str__(self) -> str:
        return self.canonical

    # Pydantic: validated from a string, serialised back to the text the user wrote.
    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        def validate(value: Any) -> Citation:
            if isinstance(value, Citation):
                return value
            return parse_citation(value)

        return core_schema.no_info_before_validator_function(
            validate,
            core_schema.any_schema(),
            serialization=core_schema.plain_serializer_function_ser_schema(lambda c: c.input),
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: GetJsonSchemaHandler) -> dict:
        return {
            "type": "string",
            "minLength": 1,
            "maxLength": 200,
            "description": "A Connecticut or federal statute citation in any common spelling, "
            "e.g. '53a-82', 'C.G.S. § 53a-192a(a)(1)', '18 U.S.C. § 1591'.",
        }


def _normalise_subsections(raw: str) -> str:
    return "".join(f"({part})" for part in re.findall(r"\(\s*([A-Za-z0-9]+)\s*\)", raw or "")).lower()


def parse_citation(value: Any) -> Citation:
    """Parse a citation or raise CitationError with a message a person can act on."""
    if not isinstance(value, str):
        raise CitationError("must be a statute citation written as text, e.g. '53a-82' or '18 U.S.C. § 1591'")
    text = " ".join(value.replace("\u00a0", " ").split())
    if not text:
        raise CitationError("is empty; give a statute citation, e.g. '53a-82'")
    if len(text) > 200:
        raise CitationError("is longer than 200 characters; give just the statute citation")
    match = FEDERAL_PATTERN.match(text)
    if match:
        title = match.group("title") or match.group("title2")
        return Citation(text, "federal", title, match.group("num").upper(), _normalise_subsections(match.group("sub")))
    match = CT_PATTERN.match(text)
    if match:
        section = f"{match.group('title').lower()}-{match.group('num').lower()}"
        return Citation(text, "CT", match.group("title").lower(), section, _normalise_subsections(match.group("sub")))
    raise CitationError(
        "is not a statute citation this tool recognises; write a Connecticut section like '53a-82' or "
        "'C.G.S. § 53a-192a(a)(1)', or a federal one like '18 U.S.C. § 1591'"
    )
