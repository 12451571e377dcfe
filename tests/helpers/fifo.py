"""A guard for code that might block on a FIFO for ever: the test fails instead of hanging."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def unblocked(fifo: Path, after: float = 3.0) -> Iterator[list[bool]]:
    """While the block still runs ``after`` seconds on, opens the other end of ``fifo`` as
    often as needed, which frees a reader or a writer stuck in ``open``: the list then holds
    True (the code under test waited on the FIFO), and the test fails instead of hanging."""
    hung: list[bool] = []
    done = threading.Event()

    def guard() -> None:
        if done.wait(after):
            return
        hung.append(True)
        while not done.is_set():
            try:  # a reader waiting in ``open``: a writer's end lets it read the end of it
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:  # no reader: perhaps a writer waiting in ``open``
                reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
                done.wait(0.2)
                os.close(reader)
            done.wait(0.05)

    thread = threading.Thread(target=guard, daemon=True)
    thread.start()
    try:
        yield hung
    finally:
        done.set()
        thread.join()
