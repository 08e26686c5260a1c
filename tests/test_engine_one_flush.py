"""engine.one_flush(): cases moved on together (a signing group) end exactly as when each action is
written at once — same steps, work items, timeline, notices and queue entries — in every flow."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.cases import engine
from portal.cases.models import CaseEvent, WorkItem
from portal.flows.definition import FORWARD_KINDS
from portal.flows.registry import FLOWS
from portal.notifications.models import Notification
from portal.signing.models import SignatureRequest
from portal.flows.machine import missing_documents
from tests.factories import Cast, actor_for, drive, sample_pdf

PARTICIPANTS = 2


def _open(flow_code: str, cast: Cast):
    if flow_code in ("RCC", "ASKOM"):
        from tests.assessment_data import open_assessor_case

        return open_assessor_case(flow_code, cast, PARTICIPANTS)
    organisation = cast.organisation if flow_code == "LIS" else None
    opener = cast.user("lsp") if organisation else cast.user("anggota" if flow_code == "SKA" else "phu")
    return engine.open_case(flow_code, opener, f"Uji satu flush {flow_code}", organisation=organisation)


def _what_users_see(db, case, cast: Cast) -> dict:
    role_of = {user.id: role for role, user in cast.users.items()}
    items = {item.id: item.label for item in case.items}
    role_of.update({item.user_id: "peserta" for item in case.items if item.user_id})

    def plain(text):
        # people differ between the walks (named by role here) and numbers (case, agenda, letter) run on
        for role, user in cast.users.items():
            text = (text or "").replace(user.full_name, role)
        return re.sub(r"\d+", "#", text or "")

    works = db.session.scalars(select(WorkItem).where(WorkItem.case_id == case.id).order_by(WorkItem.id))
    events = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id))
    notices = db.session.scalars(select(Notification).where(Notification.case_id == case.id))
    requests = db.session.scalars(select(SignatureRequest).where(SignatureRequest.case_id == case.id))
    return {
        "state": (case.state, case.outcome, sorted(case.active_steps)),
        "work": [(w.step_key, w.state, w.action_key, items.get(w.item_id), role_of.get(w.assignee_id))
                 for w in works],
        "timeline": [(e.kind, e.step_key, e.action_key, plain(e.label)) for e in events],
        # (the other walk's people hold the same roles: only this walk's own are compared)
        "notices": sorted((role_of[n.user_id], n.kind, plain(n.title), n.work_item_id is not None,
                           n.read_at is not None) for n in notices if n.user_id in role_of),
        "queue": sorted((r.code, r.state) for r in requests),
    }


@pytest.mark.parametrize("flow_code", list(FLOWS))
def test_a_flow_walked_with_every_action_in_one_flush_ends_as_with_immediate_writes(db, monkeypatch, flow_code):
    seen = {}
    for together in (False, True):
        with monkeypatch.context() as patch:
            if together:
                act = engine.act

                def act_in_one_flush(case, *args, **kwargs):
                    with engine.one_flush([case]):
                        return act(case, *args, **kwargs)

                patch.setattr(engine, "act", act_in_one_flush)
            cast = Cast()
            case = _open(flow_code, cast)
            db.session.commit()
            walked = drive(case, cast)
            seen[together] = (walked, _what_users_see(db, case, cast))
    assert seen[True][0] == seen[False][0]
    for key, value in seen[False][1].items():
        assert seen[True][1][key] == value, key
    assert seen[True][1]["state"][0] == "selesai"


def test_letters_moved_on_in_one_block_each_wait_at_their_next_step_with_their_notice(db):
    cast = Cast()
    cases = []
    for n in range(3):
        case = engine.open_case("SKS", cast.user("phu"), f"Surat kelompok {n}")
        drive(case, cast, until="sign")
        cases.append(case)
    works = [engine.open_work(case)[0] for case in cases]
    assert {work.step_key for work in works} == {"sign"}
    signer = actor_for(cases[0], works[0], cast)
    step = engine.flow_of(cases[0]).step("sign")
    forward = next(t for t in step.transitions if t.kind in FORWARD_KINDS)
    for case, work in zip(cases, works):
        for code in missing_documents(step, forward, engine.present_codes(case, work.item) | set(forward.produces)):
            engine.upload_document(case, code, f"{code}.pdf", sample_pdf(), signer, work=work)
    db.session.commit()
    with engine.one_flush(cases):
        for case, work in zip(cases, works):
            engine.act(case, work.id, forward.key, signer)
            inside = engine.open_work(case)
            # read inside the block: the signed step is gone, the next one is there (not yet written)
            assert [w.step_key for w in inside] == sorted(case.active_steps)
            assert work not in inside and all(w.id is None for w in inside)
    db.session.commit()
    for case in cases:
        stored = db.session.scalars(select(WorkItem).where(WorkItem.case_id == case.id,
                                                           WorkItem.state == "open")).all()
        assert [w.step_key for w in stored] == sorted(case.active_steps) != ["sign"]
        notices = db.session.scalars(select(Notification).where(Notification.work_item_id == stored[0].id)).all()
        assert notices, "whoever works the next step hears of it"
