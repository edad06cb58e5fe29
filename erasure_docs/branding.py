"""A clinic's letterhead: `branding.yaml` in its template folder (see README "Clinic templates").

    firm: Example Legal Aid
    address_lines: ["1 Court Street", "Hartford, CT 06103", "Telephone: 860-555-0199"]
    logo: logo.png            # optional: a PNG or JPEG file in the same folder
    logo_height: 0.75         # inches

`erasure-docs templates build FOLDER` writes it into both formats of every document whose source says
`letterhead: true` (the letters: cover letter, letter to the client, victim notices), never into a paper
with a court caption. The texts are the clinic's own words, written into the templates literally, so they
may not hold template syntax.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from erasure_docs.errors import ErasureDocsError

FILE_NAME = "branding.yaml"
LOGO_SUFFIXES = (".png", ".jpg", ".jpeg")
MAX_LOGO_BYTES = 2_000_000
FORBIDDEN = set("{}") | {chr(c) for c in range(32)}

EXAMPLE = """\
# The letterhead printed at the top of the letters (cover letter, letter to the client, victim notices)
# in both the Word and the PDF version, once you run `erasure-docs templates build` on this folder.
# Leave `firm` empty for no letterhead. Court papers (anything with a caption) never carry it.
firm: ""
address_lines: []          # e.g. ["1 Court Street", "Hartford, CT 06103", "Telephone: 860-555-0199"]
logo:                      # optional: a PNG or JPEG file in this folder, e.g. logo.png
logo_height: 0.75          # the logo's height in inches (0.25 to 2)
"""


class BrandingError(ErasureDocsError):
    """branding.yaml cannot be used: the message names the file and the field."""


class Branding(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    firm: str = Field(default="", max_length=120)
    address_lines: list[str] = Field(default_factory=list, max_length=6)
    logo: str | None = None
    logo_height: float = Field(default=0.75, ge=0.25, le=2)

    @field_validator("firm", "address_lines")
    @classmethod
    def _plain_text(cls, value: str | list[str]) -> str | list[str]:
        for text in [value] if isinstance(value, str) else value:
            if set(text) & FORBIDDEN:
                raise ValueError("may not hold braces or control characters")
            if len(text) > 120:
                raise ValueError("a line is at most 120 characters")
        return value

    @field_validator("logo")
    @classmethod
    def _logo_name(cls, value: str | None) -> str | None:
        if value and (Path(value).name != value or not value.lower().endswith(LOGO_SUFFIXES)):
            raise ValueError("must be the name of a .png or .jpg file in the template folder")
        return value or None

    @property
    def empty(self) -> bool:
        return not (self.firm or self.address_lines or self.logo)


def load(folder: Path) -> tuple[Branding, Path | None]:
    """The folder's branding and the path of its logo (None: none). No branding.yaml: no letterhead."""
    path = folder / FILE_NAME
    if not path.exists():
        return Branding(), None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError):
        raise BrandingError(f"{FILE_NAME}: not readable YAML (UTF-8)") from None
    if not isinstance(data, dict):
        raise BrandingError(f"{FILE_NAME}: must be a mapping of firm, address_lines, logo, logo_height")
    try:
        branding = Branding.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "(top)"
        raise BrandingError(f"{FILE_NAME}: {where}: {error['msg'].removeprefix('Value error, ')}") from None
    if branding.logo is None:
        return branding, None
    logo = folder / branding.logo
    if logo.is_symlink() or not logo.is_file():
        raise BrandingError(f"{FILE_NAME}: logo: {branding.logo} is not a file in {folder.name}")
    if logo.stat().st_size > MAX_LOGO_BYTES:
        raise BrandingError(f"{FILE_NAME}: logo: {branding.logo} is larger than 2 MB")
    return branding, logo
