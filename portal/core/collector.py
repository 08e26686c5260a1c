"""Python's cyclic garbage collector, tuned for long batches of short-lived objects.

Signing a document builds and drops tens of thousands of small objects (pyHanko's PDF objects,
SQLAlchemy's rows and states). With the default thresholds the collector runs every 700 net
allocations and, every hundredth run, walks every object the process holds (the loaded app, its
modules, fonts and key), which cost a signing process about a quarter of its time per document.
Inside :func:`batch_collection` the youngest generation is collected less often and what was
alive when the batch began is set aside (``gc.freeze``), so collections look at the batch's own
objects only; cycles it leaves behind are still collected, just in larger rounds.
"""
from __future__ import annotations

import gc
import threading
from contextlib import contextmanager

# Net allocations between collections of the youngest generation (Python's default: 700), and
# how many collections of one generation make one of the next (defaults: 10 and 10).
BATCH_THRESHOLDS = (50_000, 20, 20)

_lock = threading.Lock()
_active = 0
_saved: tuple[int, int, int] | None = None
_froze = False


def tune_for_batches() -> None:
    """For a process that does nothing but batch work (a signing process): from now on, and what
    is alive now (modules, key, fonts) is never scanned again."""
    gc.set_threshold(*BATCH_THRESHOLDS)
    gc.freeze()


@contextmanager
def batch_collection():
    """Batch thresholds and a frozen heap for the length of the block; as before afterwards.
    Blocks may overlap (batches on several threads): the last one out restores the settings."""
    global _active, _saved, _froze
    with _lock:
        if _active == 0:
            _saved = gc.get_threshold()
            # A process that froze its own heap (a server after preloading) keeps it frozen as is.
            _froze = gc.get_freeze_count() == 0
            if _froze:
                gc.freeze()
            gc.set_threshold(*BATCH_THRESHOLDS)
        _active += 1
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0:
                gc.set_threshold(*_saved)
                if _froze:
                    gc.unfreeze()  # the frozen objects go back to the oldest generation
