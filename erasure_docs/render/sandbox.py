"""Bounded work for a clinic's own templates: they render in a separate process under a time limit and a
memory limit.

A template can loop (nested `for` loops over `range(100000)` never end in practice) or build a string of
gigabytes; the sandboxed Jinja2 environment stops neither. So whatever renders a custom template folder (a
case's packet, `templates check`) runs in a worker process — spawned, a clean interpreter, never a fork of one
that has loaded WeasyPrint — whose address space is limited (RLIMIT_AS, on Linux) and which is killed when its
time is up. The worker is reused from case to case while it behaves, and started afresh after a limit was hit.
It dies with its parent (PR_SET_PDEATHSIG on Linux; it also ends when its pipe closes). The built-in
templates keep the in-process path: they are the project's own code.

Limits, from the environment (docs: README, "Your own templates"):
- ERASURE_DOCS_TEMPLATE_SECONDS: seconds per document (default 20); a case of 12 documents may take 12 times
  as long before it is stopped.
- ERASURE_DOCS_TEMPLATE_MEMORY_MB: memory the worker may use beyond what the tool itself needs (default 1024).
"""

from __future__ import annotations

import atexit
import os
import pickle
import shutil
import signal
import sys
import tempfile
from dataclasses import dataclass
from typing import Any, Callable

from erasure_docs.errors import ErasureDocsError, safe_message

SECONDS_VARIABLE = "ERASURE_DOCS_TEMPLATE_SECONDS"
MEMORY_VARIABLE = "ERASURE_DOCS_TEMPLATE_MEMORY_MB"
DEFAULT_SECONDS = 20.0
DEFAULT_MEMORY_MB = 1024
START_SECONDS = 300.0  # starting the worker (importing WeasyPrint) on a busy machine; not the template's time


class TemplateLimitError(ErasureDocsError):
    """A custom template went over its time or memory limit (or its worker process died)."""


class SandboxSettingError(ErasureDocsError):
    """A limit in the environment that is not a positive number."""


class RenderFailed(ErasureDocsError):
    """An error inside the worker whose own message might quote data: only its class name crosses over."""


@dataclass(frozen=True)
class Limits:
    seconds_per_document: float = DEFAULT_SECONDS
    memory_mb: int = DEFAULT_MEMORY_MB

    @classmethod
    def from_environment(cls) -> Limits:
        return cls(_positive(SECONDS_VARIABLE, DEFAULT_SECONDS, float),
                   int(_positive(MEMORY_VARIABLE, DEFAULT_MEMORY_MB, int)))


def _positive(variable: str, default: float, kind: Callable[[str], float]) -> float:
    text = os.environ.get(variable, "").strip()
    if not text:
        return default
    try:
        value = kind(text)
    except ValueError:
        value = -1
    if not value > 0:
        raise SandboxSettingError(f"{variable} must be a positive {'whole ' if kind is int else ''}number")
    return value


class Sandbox:
    """One worker process for one template folder's renders; `call` runs a module-level function in it."""

    def __init__(self, limits: Limits | None = None):
        self.limits = limits or Limits.from_environment()
        self.process: Any = None
        self.connection: Any = None
        self.scratch: str | None = None  # the worker's own temporary folder, removed with the worker

    def call(self, function: Callable[..., Any], args: tuple[Any, ...], seconds: float) -> Any:
        """`function(*args)` in the worker; its result, or its error (an ErasureDocsError as it was raised,
        anything else as RenderFailed naming only its class), or TemplateLimitError after `seconds`."""
        self._start()
        try:
            self.connection.send((function, args))
        except (OSError, EOFError):
            self.stop()
            raise TemplateLimitError("the process rendering the custom templates stopped unexpectedly") from None
        if not self.connection.poll(seconds):
            self.stop()
            raise TemplateLimitError(f"the custom templates took longer than {seconds:g} seconds to render and were "
                                     f"stopped (the limit is {self.limits.seconds_per_document:g} seconds per "
                                     f"document, set by {SECONDS_VARIABLE})")
        try:
            status, value = self.connection.recv()
        except (OSError, EOFError):
            self.stop()
            raise self._memory_error() from None
        if status == "memory":
            self.stop()
            raise self._memory_error()
        if status == "error":
            raise value
        return value

    def _memory_error(self) -> TemplateLimitError:
        return TemplateLimitError(f"the custom templates needed more than {self.limits.memory_mb} MB of memory to "
                                  f"render and were stopped (the limit is set by {MEMORY_VARIABLE})")

    def _start(self) -> None:
        if self.process is not None and self.process.is_alive():
            return
        self.stop()
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        mine, theirs = context.Pipe()
        # WeasyPrint keeps fonts in a temporary folder it removes at exit, which a killed worker never reaches.
        self.scratch = tempfile.mkdtemp(prefix="erasure-docs-templates-", dir=os.environ.get("TMPDIR"))
        process = context.Process(target=serve, args=(theirs, self.limits.memory_mb, self.scratch), daemon=True,
                                  name="erasure-docs-templates")
        process.start()
        theirs.close()
        self.process, self.connection = process, mine
        atexit.register(self.stop)
        if not mine.poll(START_SECONDS):
            self.stop()
            raise TemplateLimitError("the process that renders custom templates did not start")
        try:
            mine.recv()  # "ready": imported and limited
        except (OSError, EOFError):
            self.stop()
            raise TemplateLimitError("the process that renders custom templates did not start") from None

    def stop(self) -> None:
        if self.process is not None:
            if self.process.is_alive():
                self.process.kill()
            self.process.join()
            self.process.close()
        if self.connection is not None:
            self.connection.close()
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
        self.process = self.connection = self.scratch = None

    def __del__(self) -> None:
        try:
            self.stop()
        except Exception:  # noqa: BLE001 - at interpreter exit the modules may be gone
            pass


# ---------------------------------------------------------------- in the worker

def serve(connection: Any, memory_mb: int, scratch: str) -> None:
    """The worker: import what rendering needs, limit the address space, then run calls until the pipe closes.
    After a MemoryError it reports and exits (its state is not to be trusted). Its temporary files go into
    `scratch`, which the parent removes."""
    _die_with_parent()
    os.environ["TMPDIR"] = tempfile.tempdir = scratch
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it stops this process
    import erasure_docs.render.docx  # noqa: F401 - imported before the limit: this is the tool's own memory
    import erasure_docs.render.pdf  # noqa: F401

    _limit_memory(memory_mb)
    connection.send(("ready", None))
    while True:
        try:
            function, args = connection.recv()
        except (EOFError, OSError):
            return
        try:
            reply = ("ok", function(*args))
        except MemoryError:
            reply = ("memory", None)
        except BaseException as exc:  # noqa: BLE001 - every error goes back to the caller
            reply = ("error", _transportable(exc))
        try:
            connection.send(reply)
        except MemoryError:
            connection.send(("memory", None))
        except (pickle.PicklingError, TypeError, AttributeError):
            connection.send(("error", RenderFailed("the rendered result could not be returned")))
        if reply[0] == "memory":
            return


def _transportable(exc: BaseException) -> BaseException:
    if isinstance(exc, ErasureDocsError):
        try:
            pickle.loads(pickle.dumps(exc))
            return exc
        except Exception:  # noqa: BLE001 - an error that cannot cross keeps only its message
            return RenderFailed(str(exc))
    return RenderFailed(safe_message(exc))


def _limit_memory(memory_mb: int) -> None:
    """RLIMIT_AS = what the process maps now + the budget (Linux; elsewhere the time limit still holds)."""
    try:
        import resource

        with open("/proc/self/statm", encoding="ascii") as handle:
            mapped = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (ImportError, OSError, ValueError):
        return
    limit = mapped + memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before the line above
        os._exit(1)
