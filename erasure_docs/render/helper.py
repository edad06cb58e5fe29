"""A helper process, so that one case alone (`generate`) uses both cores.

The helper renders a case's Word files and shares its PDFs with the main process: both take documents from one
list, the helper from the first on and the main process from the last on, each claiming the next one under a
lock they share (`claim`), so that each document is rendered once, by whichever process reaches it first.
Processes, never threads: the renderers are not thread-safe. Spawned, so that nothing of the parent's state
(its case data included) is copied into it but what it is sent.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Callable

_claims: Any = None  # in the helper process: the pair shared with the main process (see RenderHelper)


class RenderHelper:
    def __init__(self, warm_up: Callable[[], None]):
        context = multiprocessing.get_context("spawn")
        # [the next document from the front, one past the next from the back], with its lock
        self.claims = context.Array("i", 2)
        self.pool = ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=keep_claims,
                                        initargs=(self.claims,))
        self.pool.submit(warm_up)  # imports and parses while the main process reads the case

    @staticmethod
    def start(warm_up: Callable[[], None]) -> RenderHelper | None:
        """A helper, or None on a single-core machine (it would only take turns with this process)."""
        return RenderHelper(warm_up) if (os.cpu_count() or 1) > 1 else None

    def submit(self, function: Callable[..., Any], *args: Any) -> Future:
        return self.pool.submit(function, *args)

    def share(self, count: int) -> None:
        """Documents 0 … count - 1 are to be shared; call before submitting the helper's part."""
        with self.claims.get_lock():
            self.claims[0], self.claims[1] = 0, count

    def stop_sharing(self) -> None:
        """Nothing more to take (the main process failed): the helper stops after its current document."""
        with self.claims.get_lock():
            self.claims[0] = self.claims[1]

    def shutdown(self) -> None:
        self.pool.shutdown()


def keep_claims(claims: Any) -> None:
    global _claims
    _claims = claims


def helper_claims() -> Any:
    return _claims


def claim(claims: Any, from_front: bool) -> int | None:
    """The next document for this process, or None when every one is taken."""
    with claims.get_lock():
        front, back = claims[0], claims[1]
        if front >= back:
            return None
        if from_front:
            claims[0] = front + 1
            return front
        claims[1] = back - 1
        return back - 1
