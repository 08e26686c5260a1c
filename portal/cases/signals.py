"""What the case engine announces, so other areas react without the engine importing them.

Every signal's sender is the `Case`. Receivers run inside the same transaction (they flush, never
commit); whatever must leave the portal (mail) goes through the outbox after the commit.

- `step_opened(case, work=WorkItem)`: a work item was opened for a step.
- `step_closed(case, work=WorkItem, actor=User|None, forward=bool)`: a work item ended; `forward` is
  true when the step was completed by an advance/approve action (not returned, cancelled, withdrawn).
- `document_stored(case, version=DocumentVersion, work=WorkItem|None, actor=User|None)`.
- `named(case, slot=str, user=User, work_items=list[WorkItem])`: a person was named for a slot.
- `case_ended(case, outcome=str)`.
- `effect(name)`: the signal of one declared step effect, sent with `flow`, `step` and `actor`.
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

step_opened = _signals.signal("step-opened")
step_closed = _signals.signal("step-closed")
document_stored = _signals.signal("document-stored")
named = _signals.signal("named")
case_ended = _signals.signal("case-ended")


def effect(name: str):
    """The signal of a step effect declared in a flow file (e.g. "create_participant_accounts")."""
    return _signals.signal(f"effect:{name}")


def on_effect(name: str):
    """Decorator for an area's handler of a declared effect: `@on_effect("issue_access_code")`."""
    def connect(function):
        effect(name).connect(function)
        return function
    return connect


def handled_effects(names) -> set[str]:
    """The declared effects that have at least one handler connected (checked at start-up)."""
    return {name for name in names if effect(name).receivers}
