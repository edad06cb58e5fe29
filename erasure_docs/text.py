"""Text hygiene for every string in a case file.

Strings are trimmed and NFC-normalised. Characters that render differently in Word and in the PDF, or
that can hide text (control, zero-width, bidirectional and other formatting characters, fillers, variation
selectors, tag characters, line separators, private-use and non-characters), are refused rather than
silently dropped, so the two formats always say the same thing.
"""

from __future__ import annotations

import unicodedata

ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u180e"}
BIDI_CONTROLS = {chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]}
NONCHARACTERS = {"\ufffe", "\uffff"}
# Letters and marks that print as nothing (fillers, the grapheme joiner, variation selectors): Word and the PDF
# font treat them differently, and they can make two names look alike.
INVISIBLE = {"\u034f", "\u115f", "\u1160", "\u3164", "\uffa0", "\u2800",
             *map(chr, range(0xFE00, 0xFE10)), *map(chr, range(0xE0100, 0xE01F0))}
# Every other format character (soft hyphen, invisible operators, interlinear annotations, tag characters…),
# line and paragraph separators, private-use and unassigned code points.
HIDDEN_CATEGORIES = {"Cf": "invisible formatting character", "Zl": "line separator", "Zp": "paragraph separator",
                     "Co": "private-use character", "Cn": "unassigned character"}
ALLOWED_WHITESPACE_MULTILINE = {"\n", "\t"}


def describe_char(ch: str) -> str:
    name = unicodedata.name(ch, "control character")
    return f"U+{ord(ch):04X} ({name.lower()})"


def forbidden_char(text: str, multiline: bool = False) -> str | None:
    """The first character that may not appear in case-file text, described, or None."""
    for ch in text:
        if multiline and ch in ALLOWED_WHITESPACE_MULTILINE:
            continue
        if ch in ZERO_WIDTH:
            return f"zero-width character {describe_char(ch)}"
        if ch in BIDI_CONTROLS:
            return f"bidirectional formatting character {describe_char(ch)}"
        if ch in NONCHARACTERS or 0xD800 <= ord(ch) <= 0xDFFF:
            return f"non-character U+{ord(ch):04X}"
        category = unicodedata.category(ch)
        if category == "Cc":
            return f"control character U+{ord(ch):04X}"
        if ch in INVISIBLE:
            return f"invisible character {describe_char(ch)}"
        if category in HIDDEN_CATEGORIES:
            return f"{HIDDEN_CATEGORIES[category]} {describe_char(ch)}"
    return None


def clean(text: str, multiline: bool = False) -> str:
    """Trim and NFC-normalise; raise ValueError naming the first forbidden character."""
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    problem = forbidden_char(text, multiline)
    if problem:
        raise ValueError(f"contains {'an' if problem[0] in 'aeiou' else 'a'} {problem}; remove it")
    # U+2011 (non-breaking hyphen) is missing from the PDF font; U+2010 looks the same.
    return unicodedata.normalize("NFC", text.strip()).replace("\u2011", "\u2010")
