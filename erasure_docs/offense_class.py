"""Connecticut offense classes, parsed from the many ways judgments and clinics write them.

`A misdemeanor`, `AM`, `class D felony`, `DF`, `UF`, `UM`, `unclassified felony`, `Class B Misd.`…
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic_core import core_schema

Kind = Literal["misdemeanor", "felony", "violation", "infraction"]
UNCLASSIFIED = "U"

KIND_WORDS = {"m": "misdemeanor", "misd": "misdemeanor", "misdemeanor": "misdemeanor", "f": "felony", "fel": "felony",
              "felony": "felony"}
LONG_FORM = re.compile(r"^(?:class\s+)?(?P<letter>[a-e]|unclassified|u)\s+(?P<kind>misd(?:emeanor)?|fel(?:ony)?)\.?$")
SHORT_FORM = re.compile(r"^(?P<letter>[a-eu])\s*(?P<kind>[mf])$")
LETTERS_FOR = {"misdemeanor": "ABCDU", "felony": "ABCDEU"}


class OffenseClassError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class OffenseClass:
    kind: Kind
    letter: str = UNCLASSIFIED  # A–E, or U for unclassified; empty for violations and infractions

    @property
    def label(self) -> str:
        """The table spelling: `A misdemeanor`, `unclassified felony`, `infraction`."""
        if self.kind in ("violation", "infraction"):
            return self.kind
        return f"{'unclassified' if self.letter == UNCLASSIFIED else self.letter} {self.kind}"

    @property
    def display(self) -> str:
        """The report and document spelling: `class A misdemeanor`, `unclassified felony`."""
        if self.kind in ("violation", "infraction") or self.letter == UNCLASSIFIED:
            return self.label
        return f"class {self.label}"

    @property
    def unclassified(self) -> bool:
        return self.letter == UNCLASSIFIED and self.kind in ("misdemeanor", "felony")

    def __str__(self) -> str:
        return self.display

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        def validate(value: Any) -> OffenseClass:
            return value if isinstance(value, OffenseClass) else parse_offense_class(value)

        return core_schema.no_info_before_validator_function(
            validate,
            core_schema.any_schema(),
            serialization=core_schema.plain_serializer_function_ser_schema(lambda c: c.label),
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: GetJsonSchemaHandler) -> dict:
        return {
            "type": "string",
            "maxLength": 40,
            "description": "The class recorded on the judgment: 'A misdemeanor', 'AM', 'class D felony', 'DF', "
            "'unclassified felony', 'UF', 'unclassified misdemeanor', 'UM', 'violation', 'infraction'.",
        }


def parse_offense_class(value: Any) -> OffenseClass:
    if not isinstance(value, str):
        raise OffenseClassError("must be text such as 'A misdemeanor', 'class D felony', 'DF' or 'UF'")
    text = " ".join(value.strip().lower().replace(".", " ").replace("-", " ").split())
    text = text.replace(" ", "") if len(text) <= 3 else text
    if text in ("violation", "infraction"):
        return OffenseClass(text)  # type: ignore[arg-type]
    match = SHORT_FORM.match(text) or LONG_FORM.match(text)
    if match:
        kind = KIND_WORDS[match.group("kind")]
        letter = match.group("letter")
        letter = UNCLASSIFIED if letter in ("u", "unclassified") else letter.upper()
        if letter in LETTERS_FOR[kind]:
            return OffenseClass(kind, letter)  # type: ignore[arg-type]
        raise OffenseClassError(f"'{value.strip()[:40]}' is not a Connecticut class: misdemeanors are A–D or "
                                "unclassified, felonies A–E or unclassified")
    raise OffenseClassError(
        f"'{value.strip()[:40]}' is not an offense class; write e.g. 'A misdemeanor', 'AM', 'class D felony', "
        "'DF', 'unclassified felony' or 'UF'"
    )
