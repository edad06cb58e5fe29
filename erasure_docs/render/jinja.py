"""The one Jinja2 environment both formats render with.

Sandboxed (a clinic's own template cannot reach Python internals, read files or import anything),
autoescaping (a value such as `<b>` or `{{ 7*7 }}` prints literally), and strict (a misspelled variable is
an error, never a silently empty blank in a court filing). `{% trans %}` blocks translate into the
document's `language` (erasure_docs/i18n.py). A clinic's folder is read through render/folder.py (no
symbolic links, UTF-8 only); the built-in templates are read directly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from erasure_docs import i18n
from erasure_docs.paths import TEMPLATE_DIR
from erasure_docs.render import folder


class FolderLoader(jinja2.BaseLoader):
    """A clinic's template folder: `{% include %}`, `{% extends %}` and `{% import %}` find plain files in it."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str | None,
                                                                                  Callable[[], bool]]:
        name = "/".join(jinja2.loaders.split_template_path(template))
        if not folder.has_entry(self.root, name):
            raise jinja2.TemplateNotFound(template)
        return folder.read_text(self.root, name), str(self.root / name), lambda: True


def _loader(folders: list[Path]) -> jinja2.BaseLoader:
    return jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(f)) if f.resolve() == TEMPLATE_DIR.resolve()
                                else FolderLoader(f) for f in folders])


def environment(folders: list[Path] | None = None,
                undefined: type[jinja2.Undefined] = jinja2.StrictUndefined) -> jinja2.Environment:
    env = ImmutableSandboxedEnvironment(loader=_loader(folders) if folders else None, autoescape=True,
                                        undefined=undefined, keep_trailing_newline=True)
    i18n.install(env)
    return env


# docxtpl turns `{_{`, `}_}`, `{_%` and `%_}` into `{{`, `}}`, `{%` and `%}` in the rendered Word XML, values
# included; in XML a character reference for the underscore keeps a value's text as it is, as in the PDF.
_DOCXTPL_ESCAPES = {"{_": "{&#95;", "_}": "&#95;}", "_%": "&#95;%", "%_": "%&#95;"}


def _literal_in_word(value: Any) -> Any:
    text = str(escape(value))
    for sequence, kept in _DOCXTPL_ESCAPES.items() if "_" in text else ():
        text = text.replace(sequence, kept)
    return Markup(text)


def word_environment() -> jinja2.Environment:
    """The environment docxtpl renders Word XML with: every printed value is escaped for XML and keeps its
    `{_{`-like sequences (which docxtpl would otherwise turn into Jinja delimiters in Word only)."""
    env = environment()
    env.finalize = _literal_in_word
    return env
