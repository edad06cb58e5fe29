"""The one Jinja2 environment both formats render with.

Sandboxed (a clinic's own template cannot reach Python internals, read files or import anything),
autoescaping (a value such as `<b>` or `{{ 7*7 }}` prints literally), and strict (a misspelled variable is
an error, never a silently empty blank in a court filing). `{% trans %}` blocks translate into the
document's `language` (erasure_docs/i18n.py).
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from erasure_docs import i18n


def environment(folders: list[Path] | None = None,
                undefined: type[jinja2.Undefined] = jinja2.StrictUndefined) -> jinja2.Environment:
    loader = jinja2.FileSystemLoader([str(f) for f in folders]) if folders else None
    env = ImmutableSandboxedEnvironment(loader=loader, autoescape=True, undefined=undefined,
                                        keep_trailing_newline=True)
    i18n.install(env)
    return env
