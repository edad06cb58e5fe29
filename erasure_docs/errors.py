"""The one base class of the errors erasure-docs raises on purpose.

`str(error)` of an `ErasureDocsError` is safe to print, log or put in a batch summary: it names files, case
ids, field paths, document kinds and template names, never a person's data. Anything else that escapes
(a library's exception) may quote data, so callers print only its class name unless asked for a traceback
(`--debug` or ERASURE_DOCS_DEBUG=1).
"""

from __future__ import annotations

import os

DEBUG_VARIABLE = "ERASURE_DOCS_DEBUG"


class ErasureDocsError(Exception):
    """Base class: the message is safe to print."""


def safe_message(exc: BaseException, doing: str = "") -> str:
    """What to print about an exception without echoing data: our own message, an OS error's reason, or
    only the class name of anything else."""
    if isinstance(exc, ErasureDocsError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"{type(exc).__name__}: {exc.strerror or 'I/O error'}"
    return f"{type(exc).__name__}{' ' + doing if doing else ''}"


def debug_requested() -> bool:
    """ERASURE_DOCS_DEBUG=1 (or any value but 0/empty) shows tracebacks, like --debug."""
    return os.environ.get(DEBUG_VARIABLE, "") not in ("", "0")
