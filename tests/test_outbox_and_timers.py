"""Mail leaves only after the commit of the change it tells about, through the outbox and the worker;
the flows' declared timers (Lisensi: LKS open past 15 hari kerja) run as a periodic worker task."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from portal.cases import engine
from portal.cases.models import CaseEvent, WorkItem
from portal.core.dates import utcnow
from portal.mail.models import OutgoingMail
from portal.mail.outbox import deliver_pending, outbox_messages, queue_mail
from tests.factories import Cast, drive


def _sent(app) -> list[Path]:
    return outbox_messages(app.config["MAIL_OUTBOX_DIR"])


def test_mail_of_a_rolled_back_change_is_never_sent(app, db):
    queue_mail("calon@lsp.test", "Akun Portal BNSP", "Isi surel")
    assert _sent(app) == []  # nothing leaves from inside the transaction
    db.session.rollback()
    assert deliver_pending() == 0
    assert _sent(app) == [] and db.session.scalars(select(OutgoingMail)).all() == []


def test_mail_leaves_after_the_commit_through_the_worker(app, db):
    queue_mail("calon@lsp.test", "Akun Portal BNSP", "Isi surel")
    assert _sent(app) == []
    db.session.commit()  # the worker task runs in the caller in tests (huey immediate mode)
    files = _sent(app)
    assert len(files) == 1 and "Subject: Akun Portal BNSP" in files[0].read_text()
    assert db.session.scalars(select(OutgoingMail.state)).all() == ["terkirim"]


def test_a_failing_mail_server_keeps_the_mail_for_a_later_retry(app, db, monkeypatch):
    import socket

    with socket.socket() as sock:  # a port nobody listens on: the SMTP connection is refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    queue_mail("calon@lsp.test", "Kode akses", "Isi")
    db.session.commit()
    mail = db.session.scalars(select(OutgoingMail)).one()
    db.session.refresh(mail)
    assert mail.state == "menunggu" and mail.attempts == 1 and mail.last_error
    assert mail.next_attempt_at > utcnow()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    mail.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert deliver_pending() == 1
    db.session.refresh(mail)
    assert mail.state == "terkirim" and len(_sent(app)) == 1


def _licence_case_at_lks_correction(db):
    cast = Cast()
    case = engine.open_case("LIS", cast.user("lsp"), "Lisensi LSP Uji", organisation=cast.organisation)
    db.session.commit()

    def add_finding(case, work):
        if work.step_key == "full_assessment" and not case.items:
            engine.add_item(case, "finding", "Skema belum diverifikasi (PBNSP 201 Klausul 5.1)",
                            actor=cast.user("asesor_lisensi"))
            return True
        return False

    drive(case, cast, before=add_finding, until="lks_correction")
    return case, cast


def test_lks_timer_flags_the_case_once_after_15_working_days_and_tells_those_concerned(app, db):
    from portal.cases.tasks import run_flow_timers

    case, cast = _licence_case_at_lks_correction(db)
    work = db.session.scalar(select(WorkItem).where(WorkItem.case_id == case.id, WorkItem.state == "open"))
    assert work.step_key == "lks_correction"
    assert run_flow_timers.call_local() == 0  # the LKS is new: nothing to flag
    work.ready_at = utcnow() - timedelta(days=40)  # 40 calendar days hold more than 15 working days
    db.session.commit()
    assert run_flow_timers.call_local() == 1  # the periodic worker task, as the consumer runs it
    db.session.refresh(case)
    assert "lks_lewat_15_hari" in case.flags
    labels = db.session.scalars(select(CaseEvent.label).where(CaseEvent.case_id == case.id)).all()
    assert any("lebih dari 15 hari kerja" in label for label in labels)
    recipients = set(db.session.scalars(select(OutgoingMail.recipient)).all())
    assert cast.user("lsp").email in recipients  # the CLSP
    assert cast.user("asesor_lisensi").email in recipients  # the team named on the case
    assert cast.user("staf_lisensi").email in recipients  # Bagian Lisensi prepares the pleno
    assert run_flow_timers.call_local() == 0  # once per case, not every run
