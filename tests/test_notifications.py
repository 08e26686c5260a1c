"""Who is told what, in the portal and by e-mail, as a case moves: work waiting, a return with its
reasons, one signing notice per batch, a decision, a named person missing; the bell and the list."""
from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import select

from portal.calendar.services import seed_default_holidays, work_calendar
from portal.cases import engine
from portal.core.dates import WIB, format_date_id, to_wib, utcnow
from portal.mail.models import OutgoingMail
from portal.mail.outbox import outbox_messages
from portal.notifications import services, stalls
from portal.notifications.models import Notification
from tests.conftest import make_user
from tests.factories import Cast, drive, sample_pdf


def at(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=WIB)


def notices(db, *, with_accounts: bool = False) -> list[tuple[str, str]]:
    rows = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    return [(n.user.username, n.kind) for n in rows if with_accounts or n.kind != "akun"]


def mails(db) -> list[tuple[str, str]]:
    return [(m.recipient, m.subject) for m in db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id))]


def _submit(case, user, code, action="submit", now=None, reason=None):
    work = engine.open_work(case)[0]
    if code:
        engine.upload_document(case, code, f"{code}.pdf", sample_pdf(), user, work=work)
    engine.act(case, work.id, action, user, reason=reason, now=now)


def test_a_licence_application_tells_each_party_what_to_do_and_by_when(app, db):
    seed_default_holidays()
    calendar = work_calendar()
    day0 = calendar.next_working_day(to_wib(utcnow()).date())
    cast = Cast()
    lsp, cs = cast.user("lsp"), cast.user("cs")
    case = engine.open_case("LIS", lsp, "Lisensi LSP Uji", organisation=cast.organisation, now=at(day0, 9))
    db.session.commit()
    # The applicant is told its first step, with no SLA deadline of its own.
    assert notices(db) == [(lsp.username, "pekerjaan")]
    first = db.session.scalars(select(Notification).where(Notification.kind == "pekerjaan")).one()
    assert "Yang perlu Anda lakukan: Pengajuan persyaratan apresiasi (dokumen D1), lalu pilih “Ajukan”" in first.body
    assert first.link == f"/kasus/{case.number}"

    _submit(case, lsp, "D1", now=at(day0, 9, 30))
    db.session.commit()
    assert notices(db)[-1] == (cs.username, "pekerjaan")
    due = calendar.add_working_days(day0, 2)
    cs_notice = db.session.scalars(select(Notification).where(Notification.user_id == cs.id,
                                                              Notification.kind == "pekerjaan")).one()
    assert f"Batas waktu: {format_date_id(due)} pukul 15.00 WIB" in cs_notice.body

    # CS returns it with a reason: the LSP who submitted hears it, with the reason, once.
    _submit(case, cs, "D2", action="return", now=at(day0, 10), reason="Akta pendirian belum dilampirkan")
    db.session.commit()
    assert notices(db) == [(lsp.username, "pekerjaan"), (cs.username, "pekerjaan"), (lsp.username, "dikembalikan")]
    returned = db.session.scalars(select(Notification).where(Notification.kind == "dikembalikan")).one()
    assert "Alasan: Akta pendirian belum dilampirkan" in returned.body
    assert "Yang perlu Anda lakukan: perbaiki" in returned.body

    _submit(case, lsp, None, now=at(day0, 11))
    db.session.commit()
    assert [(m[0], m[1].split(": ", 1)[1]) for m in mails(db)] == [
        (lsp.email, "Pengajuan persyaratan apresiasi"),
        (cs.email, "Pemeriksaan kelengkapan dokumen apresiasi (check list)"),
        (lsp.email, "dikembalikan untuk perbaikan — Pengajuan persyaratan apresiasi"),
        (cs.email, "Pemeriksaan kelengkapan dokumen apresiasi (check list)"),
    ]
    assert len(outbox_messages(app.config["MAIL_OUTBOX_DIR"])) == 4  # delivered by the worker after each commit


def test_one_signing_notice_per_signer_per_batch_not_per_document(app, db):
    cast = Cast()
    ketua = cast.user("ketua")

    def rcc_at_signing(title):
        case = engine.open_case("RCC", cast.user("lsp"), title, organisation=cast.organisation,
                                participants=["Budi Santoso", "Siti Rahmawati"])
        drive(case, cast, until="sign_approval")
        return case

    rcc_at_signing("RCC pertama")
    signing = db.session.scalars(select(Notification).where(Notification.user_id == ketua.id)).all()
    assert [(n.kind, n.count, n.title) for n in signing if n.kind != "akun"] == [
        ("tanda_tangan", 3, "3 dokumen menunggu tanda tangan Anda")]
    assert [m for m in mails(db) if m[0] == ketua.email] == [(ketua.email, "3 dokumen menunggu tanda tangan Anda")]

    rcc_at_signing("RCC kedua")  # while the first notice is unread, more documents join it
    signing = [n for n in db.session.scalars(select(Notification).where(Notification.user_id == ketua.id))
               if n.kind == "tanda_tangan"]
    assert [(n.count, n.title) for n in signing] == [(6, "6 dokumen menunggu tanda tangan Anda")]
    assert len([m for m in mails(db) if m[0] == ketua.email]) == 1

    services.mark_all_read(ketua)
    db.session.commit()
    rcc_at_signing("RCC ketiga")  # a new batch after the signer has read the notice: a new notice
    signing = [n for n in db.session.scalars(select(Notification).where(Notification.user_id == ketua.id)
                                             .order_by(Notification.id)) if n.kind == "tanda_tangan"]
    assert [(n.count, n.read_at is None) for n in signing] == [(6, False), (3, True)]
    assert len([m for m in mails(db) if m[0] == ketua.email]) == 2


def test_unassigned_named_step_goes_to_whoever_assigns_and_shows_as_stalled(app, db):
    cast = Cast()
    staf = cast.user("staf_sertifikasi")
    from tests.assessment_data import open_assessor_case

    case = open_assessor_case("RCC", cast, 1, title="RCC tanpa MA")
    drive(case, cast, until="number_approval")
    # The MA Penguji named on the SPT left the agency before the upgrading: nobody holds the slot.
    assignees = dict((case.data or {}).get("assignees", {}))
    assignees.pop("spt_ma_penguji", None)
    case.data = {**case.data, "assignees": assignees}
    db.session.commit()
    drive(case, cast, until="readiness")
    asks = db.session.scalars(select(Notification).where(Notification.kind == "penugasan")).all()
    assert [(n.user_id, n.read_at) for n in asks] == [(staf.id, None)]
    assert "MA Penguji yang ditunjuk dalam SPT (D8 B)" in asks[0].body
    # The step waits in Staf Sertifikasi's Kotak Kerja until they name someone: not stalled.
    assert stalls.stalled_cases() == []

    ma = cast.user("ma_penguji")
    engine.assign(case, "spt_ma_penguji", ma, staf)
    db.session.commit()
    db.session.refresh(asks[0])
    assert asks[0].read_at is not None  # the request to assign is settled
    assert [(n.kind, n.title.split(": ", 1)[1]) for n in db.session.scalars(
        select(Notification).where(Notification.user_id == ma.id)) if n.kind != "akun"] == [
        ("pekerjaan", _step_title(case, "readiness"))]
    assert stalls.stalled_cases() == []
    from portal.accounts.services import set_enabled

    set_enabled(ma, False)  # the named MA's account is closed: now nobody can move the case
    db.session.commit()
    assert [c.number for c in stalls.stalled_cases()] == [case.number]


def _step_title(case, key):
    return engine.flow_of(case).step(key).title


def test_a_decision_reaches_the_applicant_organisation(app, db):
    cast = Cast()
    lsp = cast.user("lsp")
    colleague = make_user("lsp_rekan", ["lsp"], organisation=cast.organisation)
    case = engine.open_case("RCC", lsp, "RCC ditolak", organisation=cast.organisation, participants=["Budi"])
    drive(case, cast, choose=lambda key: "reject" if key == "decision" else None)
    assert case.state == "ditolak"
    decided = db.session.scalars(select(Notification).where(Notification.kind == "keputusan")
                                 .order_by(Notification.user_id)).all()
    assert [n.user_id for n in decided] == sorted([lsp.id, colleague.id])
    assert decided[0].title == f"{case.number}: permohonan ditolak"
    assert "Yang perlu Anda lakukan: baca alasannya" in decided[0].body


def test_new_accounts_get_a_welcome_notice_without_a_second_email(app, db):
    cast = Cast()
    lsp = cast.user("lsp")
    kinds = [n.kind for n in db.session.scalars(select(Notification).where(Notification.user_id == lsp.id))]
    assert kinds == ["akun"]
    assert mails(db) == []


def test_digest_users_get_one_mail_at_seven_on_working_days_only(app, db):
    seed_default_holidays()
    calendar = work_calendar()
    cast = Cast()
    cs = cast.user("cs")
    services.set_email_mode(cs, "ringkasan")
    db.session.commit()
    day0 = calendar.next_working_day(to_wib(utcnow()).date())
    case = engine.open_case("LIS", cast.user("lsp"), "Lisensi ringkasan", organisation=cast.organisation,
                            now=at(day0, 9))
    _submit(case, cast.user("lsp"), "D1", now=at(day0, 9, 30))
    db.session.commit()
    assert [m for m in mails(db) if m[0] == cs.email] == []  # waits for the digest
    saturday = day0
    while saturday.weekday() != 5:
        saturday = saturday.fromordinal(saturday.toordinal() + 1)
    assert services.send_digests(now=at(saturday, 7)) == 0
    next_day = calendar.next_working_day(day0)
    assert services.send_digests(now=at(next_day, 7)) == 1
    db.session.commit()
    digest = [m for m in mails(db) if m[0] == cs.email]
    assert digest == [(cs.email, f"Ringkasan pemberitahuan Portal BNSP, {format_date_id(next_day)} (1)")]
    assert services.send_digests(now=at(next_day, 7, 5)) == 0  # nothing twice


def test_bell_list_mark_read_and_ninety_day_cleanup(app, db, login_as):
    client = login_as("kabag")
    user = client.user
    services.notify(user, "pekerjaan", "Surat menunggu paraf", "Isi", email=False)
    services.notify(user, "pekerjaan", "Surat kedua", "Isi", email=False)
    db.session.commit()
    fragment = client.get("/notifikasi/lonceng", headers={"HX-Request": "true"}).get_data(as_text=True)
    # Two notices and the welcome notice of the new account.
    assert 'class="bell-count"' in fragment and ">3<" in fragment and "<html" not in fragment
    page = client.get("/notifikasi").get_data(as_text=True)
    assert "Surat menunggu paraf" in page and "Surat kedua" in page and 'id="bell"' in page
    first = db.session.scalars(select(Notification).where(Notification.user_id == user.id,
                                                          Notification.kind == "pekerjaan")).first()
    assert client.post(f"/notifikasi/{first.id}/baca").status_code == 302
    assert services.unread_count(user) == 2
    assert client.post("/notifikasi/baca-semua").status_code == 302
    assert services.unread_count(user) == 0
    assert client.post("/notifikasi/baca-semua", csrf=False).status_code in (400, 403)
    other = login_as("cs")
    assert other.post(f"/notifikasi/{first.id}/baca").status_code == 404  # not theirs

    old = services.notify(user, "pekerjaan", "Lama", "", email=False)
    old.created_at = utcnow().replace(year=utcnow().year - 1)
    db.session.commit()
    assert services.cleanup() == 1
    db.session.commit()
    assert "Lama" not in [n.title for n in db.session.scalars(select(Notification))]


def test_email_preference_is_saved_and_bad_input_refused(app, db, login_as):
    client = login_as("lsp")
    assert client.post("/notifikasi/pengaturan", data={"email_mode": "tiap-jam"}).status_code == 422
    assert services.email_mode(client.user) == "segera"
    assert client.post("/notifikasi/pengaturan", data={"email_mode": "ringkasan"}).status_code == 302
    assert services.email_mode(client.user) == "ringkasan"


def test_signed_and_numbered_documents_reach_those_they_are_addressed_to(app, db):
    from portal.signing import queue
    from portal.signing.models import SignatureRequest
    from portal.signing.setup import ensure_dev_signing
    from portal.signing.tasks import dispatch_batch

    ensure_dev_signing()
    cast = Cast()
    lsp = cast.user("lsp")
    case = engine.open_case("RCC", lsp, "RCC bernomor", organisation=cast.organisation, participants=["Budi"])
    drive(case, cast, until="sign_approval")
    ketua = cast.user("ketua")
    queue.set_pin(ketua, "246810")
    db.session.commit()
    ids = [r.id for r in queue.pending_for(ketua)]
    batch = queue.start_batch(ketua, ids, "246810")
    db.session.commit()
    dispatch_batch(batch.id, "246810")  # the worker signs; the step moves on to PHU's numbering
    db.session.expire_all()
    assert engine.open_work(case)[0].step_key == "number_approval"
    assert [n for n in notices(db) if n[1] == "dokumen"] == []  # signed, not yet numbered

    drive(case, cast, until="readiness")
    issued = db.session.scalars(select(Notification).where(Notification.kind == "dokumen")).all()
    assert [n.user_id for n in issued] == [lsp.id]  # the applicant; no MA is named yet
    numbers = db.session.scalars(select(SignatureRequest.number).where(SignatureRequest.case_id == case.id)
                                 .order_by(SignatureRequest.id)).all()
    assert all(numbers) and all(number in issued[0].body for number in numbers)
    assert issued[0].title == f"{case.number}: dokumen ditandatangani dan diberi nomor"


def test_a_newly_named_signer_hears_of_the_documents_waiting_for_them(app, db):
    cast = Cast()
    kabag = cast.user("kabag")
    case = engine.open_case("LIS", cast.user("lsp"), "Lisensi: undangan apresiasi", organisation=cast.organisation)
    drive(case, cast, until="sign_apresiasi_invitation")
    asked = db.session.scalars(select(Notification).where(Notification.kind == "penugasan")).one()
    assert asked.user_id == kabag.id and "Penandatangan yang dipilih" in asked.body
    kasek = make_user("kasek_penanda", ["kasek"])
    engine.assign(case, "penandatangan", kasek, kabag)
    db.session.commit()
    told = [(n.kind, n.count) for n in db.session.scalars(select(Notification).where(Notification.user_id == kasek.id))
            if n.kind != "akun"]
    assert told == [("tanda_tangan", 1)]
    db.session.refresh(asked)
    assert asked.read_at is not None


def test_certificates_signed_in_two_batches_make_one_notice_for_the_lsp_and_one_per_participant(app, db):
    from portal.signing import queue
    from portal.signing.setup import ensure_dev_signing
    from portal.signing.tasks import dispatch_batch

    ensure_dev_signing()
    cast = Cast()
    lsp, ketua = cast.user("lsp"), cast.user("ketua")
    from tests.assessment_data import open_assessor_case

    case = open_assessor_case("RCC", cast, 3, title="RCC sertifikat")
    holders = [item.label for item in case.items if item.kind == "participant"]
    drive(case, cast, until="sign_certificates")
    queue.set_pin(ketua, "246810")
    db.session.commit()
    waiting = [r.id for r in queue.pending_for(ketua) if r.case_id == case.id]
    assert len(waiting) == 3
    before = len(mails(db))
    for ids in (waiting[:1], waiting[1:]):  # two sittings of the Ketua
        batch = queue.start_batch(ketua, ids, "246810")
        db.session.commit()
        dispatch_batch(batch.id, "246810")
        db.session.expire_all()
    issued = db.session.scalars(select(Notification).where(Notification.kind == "dokumen")
                                .order_by(Notification.user_id)).all()
    participants = sorted(item.user_id for item in case.items)
    assert sorted((n.user_id, n.count) for n in issued) == sorted([(lsp.id, 3), *[(uid, 1) for uid in participants]])
    lsp_notice = next(n for n in issued if n.user_id == lsp.id)
    assert all(name in lsp_notice.body for name in holders)
    document_mails = [m for m in mails(db)[before:] if "dokumen ditandatangani" in m[1]]
    assert sorted(m[0] for m in document_mails) == sorted(
        [lsp.email, *[db.session.get(type(lsp), uid).email for uid in participants]])  # one each, not per batch


def test_work_opened_in_a_rolled_back_savepoint_tells_no_one(app, db):
    cast = Cast()
    lsp, cs = cast.user("lsp"), cast.user("cs")
    case = engine.open_case("LIS", lsp, "Lisensi LSP Uji", organisation=cast.organisation)
    db.session.commit()
    savepoint = db.session.begin_nested()
    _submit(case, lsp, "D1")  # opens the checklist step for CS, inside the savepoint
    db.session.flush()
    savepoint.rollback()
    db.session.commit()
    assert notices(db) == [(lsp.username, "pekerjaan")]
    assert cs.username not in {user for user, _kind in notices(db)}
