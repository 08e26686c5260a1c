"""The worker's upkeep tasks, run as the consumer runs them (call_local): the hourly audit
checkpoint and the nightly removal of login sessions that can no longer sign anyone in."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.accounts.models import UserSession
from portal.audit import anchor
from portal.audit.services import record, verify_chain
from portal.core.dates import utcnow
from portal.tasks import TASK_MODULES
from tests.conftest import login


def test_both_tasks_are_known_to_the_worker():
    assert {"portal.audit.tasks", "portal.accounts.tasks"} <= set(TASK_MODULES)


def test_the_checkpoint_task_signs_the_head_of_the_chain(app, db):
    from portal.audit.tasks import audit_checkpoint

    assert audit_checkpoint.call_local() is None  # an empty trail: nothing to sign
    for i in range(3):
        record("uji.aksi", object_type="uji", object_id=i, detail={"i": i})
    db.session.commit()
    head = audit_checkpoint.call_local()
    checkpoints = [c for _line, c in anchor.read_checkpoints()]
    assert head is not None and [c.entry_id for c in checkpoints] == [head]
    assert verify_chain().ok
    record("uji.aksi", object_type="uji", object_id=9, detail={})
    db.session.commit()
    assert audit_checkpoint.call_local() == head + 1
    assert len(anchor.read_checkpoints()) == 2


def test_pruning_removes_ended_and_outlived_sessions_and_keeps_live_ones(app, db, login_as):
    from portal.accounts.tasks import prune_sessions

    live = login_as("cs")
    logged_out = app.test_client()
    login(logged_out, live.user.username)
    assert logged_out.post("/akun/keluar").status_code == 302
    outlived = app.test_client()
    login(outlived, live.user.username)
    rows = list(db.session.scalars(select(UserSession).order_by(UserSession.id)))
    assert len(rows) == 3
    rows[2].created_at = utcnow() - timedelta(hours=app.config["SESSION_MAX_HOURS"], minutes=1)
    db.session.commit()

    assert prune_sessions.call_local() == 2
    db.session.expire_all()
    assert [r.id for r in db.session.scalars(select(UserSession))] == [rows[0].id]
    assert live.get("/beranda").status_code == 200  # the live login is untouched
    assert prune_sessions.call_local() == 0
