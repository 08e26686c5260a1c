"""Failure drills: a signing worker that pauses after each stored signature, so a test can kill it
in the middle of a batch (`python tests/drill.py 0.2` runs `portal.worker` that way), and the same
pause for a worker thread inside a browser test."""
from __future__ import annotations

import sys
import time
from pathlib import Path


def slow_down_storing_signatures(patcher, seconds: float) -> None:
    """Make the runner pause `seconds` after each signed document it stores (patcher: monkeypatch)."""
    from portal.signing import runner

    original = runner.store_signed_group

    def store_then_pause(*args, **kwargs):
        recorded = original(*args, **kwargs)
        time.sleep(seconds * len(recorded))
        return recorded

    patcher.setattr(runner, "store_signed_group", store_then_pause)


class _Setattr:
    @staticmethod
    def setattr(target, name, value):
        setattr(target, name, value)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    slow_down_storing_signatures(_Setattr, float(sys.argv[1]))
    from portal.worker import main

    main()
