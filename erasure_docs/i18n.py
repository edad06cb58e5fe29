"""Languages of the letter to the client: gettext message catalogs, read with Babel.

A translatable document source (`translate: true`, see templates/source/README.md) is built into templates
whose literal texts are `{% trans %}` blocks; its messages are extracted into `erasure_docs/locale/messages.pot`
and translated in `erasure_docs/locale/<code>/LC_MESSAGES/messages.po`. The renderers look each message up in
the catalog of the document's `language` (a context value; English when absent), so one template serves every
language and a clinic adds a language by adding a catalog. Catalogs are compiled when first used, from the
`.po` file itself, so nothing compiled has to be kept in step with it.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import jinja2
from babel.core import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
SOURCE_LANGUAGE = "en"  # the language the document sources are written in


def catalog_path(language: str, folder: Path = LOCALE_DIR) -> Path:
    return folder / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def languages(folder: Path = LOCALE_DIR) -> list[str]:
    """Every language a letter can be written in: the source language and each one with a catalog."""
    found = sorted(p.parent.parent.name for p in folder.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return [SOURCE_LANGUAGE, *found]


def letter_language(code: str | None) -> str:
    """The language the client's letter is written in: the client's own when a catalog exists, else English."""
    return code if code in languages() else SOURCE_LANGUAGE


@functools.lru_cache(maxsize=None)
def messages(language: str) -> dict[str, str]:
    """msgid → translation, for every message the catalog translates (fuzzy entries do not count)."""
    if language == SOURCE_LANGUAGE:
        return {}
    with catalog_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language)
    return {m.id: m.string for m in catalog
            if isinstance(m.id, str) and m.id and isinstance(m.string, str) and m.string and not m.fuzzy}


@jinja2.pass_context
def gettext(context: jinja2.runtime.Context, message: str) -> str:
    return messages(context.get("language") or SOURCE_LANGUAGE).get(message, message)


@jinja2.pass_context
def ngettext(context: jinja2.runtime.Context, singular: str, plural: str, count: int) -> str:
    return gettext(context, singular if count == 1 else plural)


def install(env: jinja2.Environment) -> None:
    """Give a Jinja environment `{% trans %}`, translating into each rendered document's own `language`."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]


def long_date(day: dt.date, language: str) -> str:
    """'December 1, 2026' / '1 de diciembre de 2026'."""
    if language == SOURCE_LANGUAGE:
        return f"{day:%B} {day.day}, {day.year}"
    try:
        return format_date(day, format="long", locale=Locale.parse(language))
    except (UnknownLocaleError, ValueError):
        return f"{day:%B} {day.day}, {day.year}"
