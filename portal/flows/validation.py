"""Start-up checks of a flow declaration: a mistake in the configuration stops the app with a clear
message naming the flow and the step, instead of stranding a case at run time."""
from __future__ import annotations

from collections.abc import Iterable

from portal.flows.definition import (
    AUDIENCES, SIGNED_KINDS, DocKind, EFFECTS, ENDS, FORWARD_KINDS, NAMED_ACTORS, PER_LABELS, REASON_KINDS, Flow, Kind, Step,
)
from portal.flows.roles import ACTORS


class FlowDefinitionError(ValueError):
    """A flow declaration is inconsistent; the message names the flow and the step."""


def validate_flow(flow: Flow) -> None:
    """Raise FlowDefinitionError for the first problem found in `flow`."""
    _check_header(flow)
    keys = _check_unique_steps(flow)
    for step in flow.steps:
        _check_step(flow, step, keys)
    _check_groups(flow)
    _check_reachable(flow)
    _check_forward_acyclic(flow)
    _check_reaches_end(flow)
    _check_every_document_used(flow)
    _check_declarations(flow)
    _check_timers(flow, keys)


def _fail(flow: Flow, step: Step | None, message: str) -> None:
    where = f"flow {flow.code}" + (f", step {step.key!r}" if step else "")
    raise FlowDefinitionError(f"{where}: {message}")


def _check_header(flow: Flow) -> None:
    if not flow.steps:
        _fail(flow, None, "has no steps")
    codes = flow.document_codes
    if len(set(codes)) != len(codes):
        _fail(flow, None, "document legend lists a code twice")
    if flow.total_sla_from is not None and not flow.has_step(flow.total_sla_from):
        _fail(flow, None, f"total_sla_from names unknown step {flow.total_sla_from!r}")


def _check_unique_steps(flow: Flow) -> set[str]:
    keys: set[str] = set()
    for step in flow.steps:
        if step.key in keys or step.key in ENDS:
            _fail(flow, step, "step key is used twice or is reserved")
        keys.add(step.key)
    return keys


def _check_step(flow: Flow, step: Step, keys: set[str]) -> None:
    if not step.roles:
        _fail(flow, step, "has no role")
    _check_roles(flow, step, step.roles)
    if not step.lane.strip():
        _fail(flow, step, "has no lane label")
    for code in (*step.requires, *step.produces, *step.signs, *step.numbers):
        _check_document(flow, step, code)
    if step.per is not None and step.per not in PER_LABELS:
        _fail(flow, step, f"unknown 'per' value {step.per!r} (use 'participant' or 'finding')")
    if step.named_actor is not None and step.named_actor not in NAMED_ACTORS:
        _fail(flow, step, f"unknown named actor {step.named_actor!r}")
    for effect in step.effects:
        if effect not in EFFECTS:
            _fail(flow, step, f"unknown effect {effect!r}")
    if step.join and step.per:
        _fail(flow, step, "a join step cannot run per item")
    if not step.transitions:
        _fail(flow, step, "has no transitions, so a case would be stuck here")
    seen: set[str] = set()
    for transition in step.transitions:
        if transition.key in seen:
            _fail(flow, step, f"action {transition.key!r} is declared twice")
        seen.add(transition.key)
        for target in transition.targets:
            if target not in keys and target not in ENDS:
                _fail(flow, step, f"action {transition.key!r} targets unknown step {target!r}")
        _check_roles(flow, step, transition.roles)
        for code in (*transition.needs, *transition.produces):
            _check_document(flow, step, code)
        if transition.kind in REASON_KINDS and not transition.needs_reason:
            _fail(flow, step, f"action {transition.key!r} ({transition.kind}) must ask for a reason")
        if transition.kind is Kind.RETURN and (
            transition.target in ENDS or flow.number_of(transition.target) >= flow.number_of(step.key)
        ):
            _fail(flow, step, f"return action {transition.key!r} must go back to an earlier step")
        if transition.fork and transition.kind not in FORWARD_KINDS:
            _fail(flow, step, f"only advance/approve actions may fork ({transition.key!r})")


def _check_roles(flow: Flow, step: Step, roles: Iterable[str]) -> None:
    for role in roles:
        if role not in ACTORS:
            _fail(flow, step, f"unknown role code {role!r}")


def _check_document(flow: Flow, step: Step, code: str) -> None:
    if code not in flow.document_codes:
        _fail(flow, step, f"unknown document code {code!r} (not in the flow's legend)")


def group_of(flow: Flow, key: str) -> tuple[str, ...]:
    """The run of consecutive steps sharing the `per` of step `key` (empty if it has none)."""
    index = [s.key for s in flow.steps].index(key)
    per = flow.steps[index].per
    if per is None:
        return ()
    start = index
    while start > 0 and flow.steps[start - 1].per == per:
        start -= 1
    end = index
    while end + 1 < len(flow.steps) and flow.steps[end + 1].per == per:
        end += 1
    return tuple(s.key for s in flow.steps[start:end + 1])


def group_exit(flow: Flow, key: str) -> str:
    """The step a per-item group leads to once every item is done."""
    group = group_of(flow, key)
    exits = {
        target
        for member in group
        for t in flow.step(member).transitions
        if t.kind in FORWARD_KINDS
        for target in t.targets
        if target not in group
    }
    if len(exits) != 1:
        raise FlowDefinitionError(
            f"flow {flow.code}, step {group[0]!r}: a per-item group must lead to exactly one next step, "
            f"found {sorted(exits) or 'none'}"
        )
    return exits.pop()


def _check_groups(flow: Flow) -> None:
    for step in flow.steps:
        if step.per is None:
            continue
        group = group_of(flow, step.key)
        if step.key == group[0]:
            group_exit(flow, step.key)
        for t in step.transitions:
            if t.fork:
                _fail(flow, step, "a per-item step cannot fork")
            if t.kind is Kind.RETURN and t.target not in group:
                _fail(flow, step, f"return action {t.key!r} must stay inside its per-item group")


def _forward_targets(step: Step) -> list[str]:
    return [target for t in step.transitions if t.kind is not Kind.RETURN for target in t.targets]


def _check_reachable(flow: Flow) -> None:
    seen = {flow.steps[0].key}
    todo = [flow.steps[0].key]
    while todo:
        for t in flow.step(todo.pop()).transitions:
            for target in t.targets:
                if target not in ENDS and target not in seen:
                    seen.add(target)
                    todo.append(target)
    for timer in flow.timers:
        seen.add(timer.target)  # an escalation may be the only way into a step
    for step in flow.steps:
        if step.key not in seen:
            _fail(flow, step, "is unreachable from the first step")


def _check_forward_acyclic(flow: Flow) -> None:
    # Loops are only allowed through explicit return actions, so the diagram can read left to right.
    state: dict[str, int] = {}

    def visit(key: str) -> None:
        state[key] = 1
        for target in _forward_targets(flow.step(key)):
            if target in ENDS:
                continue
            if state.get(target) == 1:
                _fail(flow, flow.step(key), f"forward actions loop back to {target!r}; use a return action")
            if target not in state:
                visit(target)
        state[key] = 2

    for step in flow.steps:
        if step.key not in state:
            visit(step.key)


def _check_reaches_end(flow: Flow) -> None:
    can_end = set()
    changed = True
    while changed:
        changed = False
        for step in flow.steps:
            if step.key in can_end:
                continue
            targets = [target for t in step.transitions for target in t.targets]
            if any(target in ENDS or target in can_end for target in targets):
                can_end.add(step.key)
                changed = True
    if flow.steps[0].key not in can_end:
        _fail(flow, None, "has no path from the first step to an end")
    for step in flow.steps:
        if step.key not in can_end:
            _fail(flow, step, "has no path to an end (END_OK, END_REJECTED or END_WITHDRAWN)")


def _check_every_document_used(flow: Flow) -> None:
    made = {code for step in flow.steps for code in step.document_codes}
    unused = [code for code in flow.document_codes if code not in made]
    if unused:
        _fail(flow, None, f"legend documents no step produces, signs or numbers: {', '.join(unused)}")
    for step in flow.steps:
        for code in step.requires:
            if code not in made:
                _fail(flow, step, f"requires {code!r}, which no step produces")


def _check_timers(flow: Flow, keys: set[str]) -> None:
    for timer in flow.timers:
        for key in (*timer.steps, timer.target):
            if key not in keys:
                _fail(flow, None, f"timer {timer.key!r} names unknown step {key!r}")


def _check_declarations(flow: Flow) -> None:
    """Every document a step signs or numbers is declared completely and consistently."""
    for document in flow.documents:
        where = f"document {document.code!r}"
        if not isinstance(document.kind, DocKind):
            _fail(flow, None, f"{where} has no valid kind")
        for audience in document.seen_by:
            if audience not in AUDIENCES:
                _fail(flow, None, f"{where}: unknown audience {audience!r} (use {', '.join(AUDIENCES)})")
        if document.template and document.kind in (DocKind.UPLOAD, DocKind.FORM_RECORD):
            _fail(flow, None, f"{where}: a {document.kind} is not drafted from a template")
        if document.series and not document.signed:
            _fail(flow, None, f"{where} takes a number series but is not a signed document")
        if document.signer and flow.signing_step(document.code) is None:
            _fail(flow, None, f"{where} names a signer but no step signs it")
        if "public" in document.seen_by and not document.signed:
            _fail(flow, None, f"{where} is public by QR but is never signed")
    for step in flow.steps:
        for code in step.signs:
            document = flow.document(code)
            if document.kind not in SIGNED_KINDS:
                _fail(flow, step, f"signs {code!r}, whose kind {document.kind!r} is not a signed kind")
            if document.signer is None:
                _fail(flow, step, f"signs {code!r}, which declares no signer")
            elif document.signer not in step.roles and document.signer != step.named_actor:
                _fail(flow, step, f"{code!r} is signed by {document.signer!r}, not a role or named actor of the step")
            if document.draft is None or document.draft not in (*step.requires, *step.produces):
                _fail(flow, step, f"signs {code!r}, whose draft is not required or produced by the step")
        for code in step.numbers:
            if flow.document(code).series is None:
                _fail(flow, step, f"numbers {code!r}, which declares no number series")


def check_references(flows: Iterable[Flow], *, templates: Iterable[str], series: Iterable[str],
                     effects: Iterable[str]) -> None:
    """Names a declaration borrows from other areas (draft templates, number series, effect
    handlers) must exist there; checked when the app starts, once every area is loaded. Step forms
    are checked by their registry (portal.forms.registry.check_forms)."""
    templates, series, effects = set(templates), set(series), set(effects)
    for flow in flows:
        for document in flow.documents:
            if document.template and document.template not in templates:
                _fail(flow, None, f"document {document.code!r}: template {document.template!r} does not exist")
            if document.series and document.series not in series:
                _fail(flow, None, f"document {document.code!r}: number series {document.series!r} does not exist")
        for step in flow.steps:
            for effect in step.effects:
                if effect not in effects:
                    _fail(flow, step, f"effect {effect!r} has no handler")
