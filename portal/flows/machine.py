"""Pure state machine over a flow declaration: which actions a step offers and where they lead.

No database and no clock: the case engine stores the active step keys (and, inside a per-item group,
each participant's or finding's position), passes them in and saves what comes back. A refused
action raises TransitionRefused carrying a message in Indonesian for the user.

A case's `active` set holds the steps being worked on (two at once after a fork); once finished it
holds exactly one END_* key.
"""
from __future__ import annotations

from collections.abc import Collection, Iterable

from portal.flows.definition import (
    END_OK, ENDS, FORWARD_KINDS, Flow, Kind, Step, Timer, Transition,
)
from portal.flows.validation import group_exit, group_of

ITEM_DONE = "ITEM_DONE"  # position of an item that has left its per-item group


class TransitionRefused(Exception):
    """The action cannot be taken now; `message` says why, in Indonesian, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def start(flow: Flow) -> frozenset[str]:
    """Active steps of a new case: the flow's first step."""
    return frozenset({flow.steps[0].key})


def is_finished(active: Collection[str]) -> bool:
    return any(key in ENDS for key in active)


def outcome(active: Collection[str]) -> str | None:
    """END_OK, END_REJECTED or END_WITHDRAWN once the case is finished, else None."""
    return next((key for key in active if key in ENDS), None)


def allowed_roles(step: Step, transition: Transition) -> tuple[str, ...]:
    """Roles that may take this action (the engine further narrows to the step's named actor)."""
    return transition.roles or step.roles


def may_act(step: Step, transition: Transition, user_roles: Iterable[str]) -> bool:
    return bool(set(allowed_roles(step, transition)) & set(user_roles))


def is_item_action(flow: Flow, step_key: str, transition: Transition) -> bool:
    """True when the action moves one participant / finding rather than the whole case."""
    return flow.step(step_key).per is not None and transition.target not in ENDS


def missing_documents(step: Step, transition: Transition, present_docs: Collection[str]) -> tuple[str, ...]:
    """Documents that must exist before this action; forward actions wait for the step's own."""
    needed = list(transition.needs)
    if transition.kind in FORWARD_KINDS:
        needed = [*step.requires, *step.produces, *step.signs, *needed]
    return tuple(code for code in dict.fromkeys(needed) if code not in present_docs)


def available_actions(flow: Flow, step_key: str, present_docs: Collection[str] = frozenset()) -> list[Transition]:
    """Actions of the step that can be taken with these documents present. For a per-item step,
    pass the documents of the one item; returning, rejecting and withdrawing need only a reason."""
    step = flow.step(step_key)
    return [t for t in step.transitions if not missing_documents(step, t, present_docs)]


def check(flow: Flow, step_key: str, action: str | Transition,
          present_docs: Collection[str] = frozenset(), reason: str | None = None) -> Transition:
    """The transition for `action` if it may be taken now, else TransitionRefused."""
    step = flow.step(step_key)
    key = action.key if isinstance(action, Transition) else action
    transition = step.transition(key)
    if transition is None:
        raise TransitionRefused(f"Tindakan “{key}” tidak tersedia pada langkah “{step.title}”.")
    missing = missing_documents(step, transition, present_docs)
    if missing:
        raise TransitionRefused(
            f"“{transition.label}” belum dapat dilakukan: dokumen {', '.join(missing)} belum tersedia."
        )
    if transition.needs_reason and not (reason or "").strip():
        raise TransitionRefused(f"Alasan wajib diisi untuk “{transition.label}”.")
    return transition


def apply(flow: Flow, active: Collection[str], step_key: str, action: str | Transition,
          present_docs: Collection[str] = frozenset(), reason: str | None = None) -> frozenset[str]:
    """New active set after taking `action` on the active step `step_key`.

    Per-item steps move each item with apply_item()/join_items(); only their case-wide actions
    (withdraw, reject to an end) come through here.
    """
    active = frozenset(active)
    if is_finished(active):
        raise TransitionRefused("Kasus ini sudah selesai.")
    step = flow.step(step_key)
    if step_key not in active:
        raise TransitionRefused(f"Langkah “{step.title}” tidak sedang berjalan pada kasus ini.")
    transition = check(flow, step_key, action, present_docs, reason)
    if is_item_action(flow, step_key, transition):
        raise ValueError(f"{flow.code}.{step_key}: {transition.key!r} moves one item; use apply_item()")
    if step.per is not None:
        # Leaving a per-item group case-wide leaves all of its steps.
        return _move(flow, active - set(group_of(flow, step_key)), transition.targets)
    return _move(flow, active - {step_key}, transition.targets)


def apply_item(flow: Flow, step_key: str, action: str | Transition,
               item_docs: Collection[str] = frozenset(), reason: str | None = None) -> str:
    """Next position of one participant / finding at `step_key`: a step of the same group, or
    ITEM_DONE when the item has left the group. Call join_items() afterwards."""
    if flow.step(step_key).per is None:
        raise ValueError(f"{flow.code}.{step_key} does not run per item")
    transition = check(flow, step_key, action, item_docs, reason)
    if not is_item_action(flow, step_key, transition):
        raise ValueError(f"{flow.code}.{step_key}: {transition.key!r} is case-wide; use apply()")
    return transition.target if transition.target in group_of(flow, step_key) else ITEM_DONE


def join_items(flow: Flow, active: Collection[str], step_key: str, positions: Iterable[str]) -> frozenset[str]:
    """Active set given the positions of every item of the group containing `step_key`.

    While any item is still inside, the active set holds the group's steps that have items (so
    each actor sees the work waiting for them); when every item is ITEM_DONE (or there are none,
    e.g. an LKS without findings) the case moves to the step after the group.
    """
    group = group_of(flow, step_key)
    if not group:
        raise ValueError(f"{flow.code}.{step_key} does not run per item")
    active = frozenset(active)
    if not active & set(group):
        raise ValueError(f"{flow.code}: no step of the group {group} is active")
    positions = list(positions)
    strays = [p for p in positions if p != ITEM_DONE and p not in group]
    if strays:
        raise ValueError(f"{flow.code}: positions {strays} are outside the group {group}")
    pending = {p for p in positions if p != ITEM_DONE}
    rest = active - set(group)
    if pending:
        return rest | pending
    return _move(flow, rest, (group_exit(flow, step_key),))


def running_timers(flow: Flow, active: Collection[str]) -> list[Timer]:
    """Timers whose clock runs for this active set (the engine compares them with the calendar)."""
    return [timer for timer in flow.timers if set(timer.steps) & set(active)]


def escalate(flow: Flow, active: Collection[str], timer_key: str) -> frozenset[str]:
    """Send the case past an expired timer to its target (e.g. LKS past 15 Hr → pleno anggota)."""
    timer = next((t for t in flow.timers if t.key == timer_key), None)
    if timer is None:
        raise ValueError(f"flow {flow.code} has no timer {timer_key!r}")
    if timer not in running_timers(flow, active):
        raise TransitionRefused(f"Batas waktu “{timer.text()}” tidak sedang berjalan pada kasus ini.")
    return _move(flow, frozenset(active) - set(timer.steps), (timer.target,))


def _move(flow: Flow, remaining: frozenset[str], targets: Iterable[str]) -> frozenset[str]:
    """Enter `targets` from the other still-active steps `remaining`."""
    result = set(remaining)
    for target in targets:
        if target in ENDS:
            if target != END_OK:
                return frozenset({target})  # a rejection or withdrawal ends every branch
            continue
        if flow.step(target).join and any(_reaches(flow, other, target) for other in result):
            continue  # wait: another branch still has to arrive here
        result.add(target)
    if not result:
        return frozenset({END_OK})
    return frozenset(result)


def _reaches(flow: Flow, source: str, target: str) -> bool:
    """Whether forward actions lead from `source` to `target` (returns are ignored)."""
    seen, todo = {source}, [source]
    while todo:
        for t in flow.step(todo.pop()).transitions:
            if t.kind is Kind.RETURN:
                continue
            for nxt in t.targets:
                if nxt == target:
                    return True
                if nxt not in ENDS and nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
    return False
