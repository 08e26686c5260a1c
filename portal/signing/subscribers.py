"""How signing follows the case engine: a step that signs queues its documents when it opens or when
a (corrected) draft arrives; a step that ends otherwise withdraws them; a newly named signer
receives them; PHU's registration step numbers the signed documents it lists."""
from __future__ import annotations

from portal.cases import signals
from portal.flows.registry import get_flow
from portal.signing import queue


def _step(work):
    return get_flow(work.flow_code).step(work.step_key)


@signals.step_opened.connect
def queue_documents_of_opened_step(case, work, **_):
    if _step(work).signs:
        queue.enqueue_step(case, work)


@signals.document_stored.connect
def queue_new_draft(case, version, work=None, **_):
    if work is not None and _step(work).signs:
        queue.enqueue_step(case, work)  # a new or corrected draft goes (back) into the signer's queue


@signals.step_closed.connect
def follow_closed_step(case, work, actor=None, forward=False, **_):
    step = _step(work)
    if step.signs:
        queue.cancel_open_requests(work)
    if forward and step.numbers:
        queue.assign_numbers(case, step, actor)


@signals.named.connect
def follow_named_signer(case, slot, user, work_items=(), **_):
    for work in work_items:
        if _step(work).signs:
            queue.retarget_requests(case, work)  # queued documents move to the newly named signer
