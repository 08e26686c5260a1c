"""The Ketua's e-signature queue: batches, PIN, real PAdES signatures, the flow moving on, numbers."""
from __future__ import annotations

import re
import subprocess
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal import storage
from portal.cases import engine
from portal.cases.models import DocumentVersion, WorkItem
from portal.signing.models import SignatureRequest, SigningBatch
from portal.signing.queue import set_pin
from portal.signing.setup import ensure_dev_signing
from portal.signing.validation import pdfsig_report, validate_signed_pdf
from tests.conftest import login
from tests.factories import Cast, drive

PIN = "246810"


@pytest.fixture()
def signing(app, db):
    pki = ensure_dev_signing()
    from cryptography import x509

    return x509.load_pem_x509_certificate(pki.root_cert_path.read_bytes())


def _rcc_at_signing(db, participants=("Budi Santoso", "Siti Rahmawati"), offset: int = 0):
    cast = Cast()
    from tests.assessment_data import open_assessor_case

    # `offset` picks other people: one person cannot be in two unfinished cases of the same scheme.
    case = open_assessor_case("RCC", cast, len(participants), offset=offset, title="RCC uji tanda tangan")
    drive(case, cast, until="sign_approval")
    db.session.commit()
    ketua = cast.user("ketua")
    set_pin(ketua, PIN)
    db.session.commit()
    return case, cast, ketua


def test_signing_step_queues_one_request_per_document(db, signing):
    case, cast, ketua = _rcc_at_signing(db)
    requests = db.session.scalars(select(SignatureRequest).where(SignatureRequest.case_id == case.id)).all()
    assert sorted(r.code for r in requests) == ["D7 A", "D8 A", "D8 B"]
    assert all(r.state == "menunggu" and r.signer_role == "ketua" for r in requests)
    assert len({r.public_id for r in requests}) == 3 and all(len(r.public_id) >= 24 for r in requests)


def test_ketua_signs_a_batch_and_the_flow_moves_on(app, db, signing):
    case, cast, ketua = _rcc_at_signing(db)
    client = app.test_client()
    login(client, ketua.username)
    page = client.get("/tanda-tangan/").get_data(as_text=True)
    ids = [int(x) for x in re.findall(r'name="requests" value="(\d+)"', page)]
    assert len(ids) == 3 and case.number in page

    response = client.post("/tanda-tangan/batch", data={"requests": ids, "pin": PIN})
    assert response.status_code == 302
    progress = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "3</strong> dari 3 dokumen ditandatangani" in progress and "Selesai" in progress

    db.session.expire_all()
    signed = db.session.scalars(select(SignatureRequest).where(SignatureRequest.case_id == case.id)).all()
    assert {r.state for r in signed} == {"ditandatangani"} and {r.level for r in signed} == {"B-B"}
    for request in signed:
        data = storage.read_bytes(request.signed_version.storage_key)
        report = validate_signed_pdf(data, [signing])
        assert report.intact and report.trusted and not report.modified_after_signing, report.problems
        assert report.signer_name
        path = storage.path_for(request.signed_version.storage_key)
        assert pdfsig_report(str(path))["signatures"][0]["valid"]
    # Every document of the step is signed: the step advanced to PHU's numbering by itself.
    assert engine.open_work(case)[0].step_key == "number_approval"

    phu = cast.user("phu")
    work = engine.open_work(case)[0]
    engine.act(case, work.id, "dispatch", phu)
    db.session.commit()
    numbers = sorted(r.number for r in db.session.scalars(select(SignatureRequest).where(SignatureRequest.case_id == case.id)))
    assert all(re.fullmatch(r"(SPT\.)?\d+/BNSP/[A-Z]{2}\.\d\d\.\d\d/[IVX]+/\d{4}", n) for n in numbers), numbers
    # Numbering D7 A gives every approved participant an account.
    assert all(item.user is not None for item in case.items)


def test_wrong_pin_signs_nothing_and_repeated_failures_lock(app, db, signing):
    case, cast, ketua = _rcc_at_signing(db)
    client = app.test_client()
    login(client, ketua.username)
    ids = [r.id for r in db.session.scalars(select(SignatureRequest))]
    response = client.post("/tanda-tangan/batch", data={"requests": ids, "pin": "000000"})
    assert response.status_code == 403 and "PIN tanda tangan salah" in response.get_data(as_text=True)
    for _ in range(5):
        client.post("/tanda-tangan/batch", data={"requests": ids, "pin": "000000"})
    locked = client.post("/tanda-tangan/batch", data={"requests": ids, "pin": PIN})
    assert locked.status_code == 429
    assert db.session.scalar(select(func.count()).select_from(SignatureRequest)
                             .where(SignatureRequest.state != "menunggu")) == 0


def test_other_roles_cannot_see_or_sign_the_ketuas_queue(app, db, signing, login_as):
    case, cast, ketua = _rcc_at_signing(db)
    request = db.session.scalars(select(SignatureRequest)).first()
    kasek = login_as("kasek")
    set_pin(kasek.user, PIN)
    db.session.commit()
    assert case.number not in kasek.get("/tanda-tangan/").get_data(as_text=True)
    assert kasek.get(f"/tanda-tangan/{request.id}/pratinjau").status_code == 404
    refused = kasek.post("/tanda-tangan/batch", data={"requests": [request.id], "pin": PIN})
    assert refused.status_code == 409
    assert login_as("lsp").get("/tanda-tangan/").status_code == 403


def test_ketua_returns_a_document_with_a_note(app, db, signing):
    case, cast, ketua = _rcc_at_signing(db)
    client = app.test_client()
    login(client, ketua.username)
    request = db.session.scalars(select(SignatureRequest)).first()
    response = client.post(f"/tanda-tangan/{request.id}/kembalikan", data={"note": "Tanggal SPT salah"})
    assert response.status_code == 302
    db.session.expire_all()
    assert engine.open_work(case)[0].step_key == "draft_approval"
    states = set(db.session.scalars(select(SignatureRequest.state)))
    assert states == {"ditolak"}


def test_one_broken_document_fails_alone_and_stays_retryable(app, db, signing):
    case, cast, ketua = _rcc_at_signing(db)
    requests = db.session.scalars(select(SignatureRequest).order_by(SignatureRequest.id)).all()
    broken = requests[0]
    storage.path_for(broken.source_version.storage_key).write_bytes(b"%PDF-1.7\nrusak")
    client = app.test_client()
    login(client, ketua.username)
    client.post("/tanda-tangan/batch", data={"requests": [r.id for r in requests], "pin": PIN})
    db.session.expire_all()
    states = {r.id: r.state for r in db.session.scalars(select(SignatureRequest))}
    assert states[broken.id] == "gagal"
    assert [states[r.id] for r in requests[1:]] == ["ditandatangani", "ditandatangani"]
    assert engine.open_work(case)[0].step_key == "sign_approval"  # waits for the failed one
    page = client.get("/tanda-tangan/").get_data(as_text=True)
    assert "Gagal:" in page  # back in the queue, with its reason


def test_numbers_are_never_duplicated_or_skipped_under_concurrency(app, db):
    """Parallel numbering requests, each in its own session and transaction."""
    from portal.numbering.services import next_value

    results, errors = [], []

    def take(n):
        with app.app_context():
            try:
                for _ in range(n):
                    results.append(next_value("letter", 2031))
                    db.session.commit()
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=take, args=(10,)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(results) == list(range(1, 81))


@pytest.mark.slow
@pytest.mark.parametrize("queue", ["sqlite", "redis"])
def test_worker_killed_mid_batch_finishes_after_restart_without_double_signing(app, db, signing, tmp_path,
                                                                               request, queue):
    """The production queue (RedisHuey on a private redis-server) and the embedded one alike."""
    import os
    import signal
    import sys
    import time

    case, cast, ketua = _rcc_at_signing(db, participants=("A",))
    requests = db.session.scalars(select(SignatureRequest)).all()
    # Make the batch bigger: more drafts in the same step, each its own request.
    work = db.session.scalar(select(WorkItem).where(WorkItem.case_id == case.id, WorkItem.state == "open"))
    extra = []
    for i in range(9):
        version = requests[0].source_version
        extra.append(SignatureRequest(public_id=f"drill-{i}-{os.urandom(8).hex()}", case_id=case.id,
                                      work_item_id=work.id, code="D7 A", item_key="", doc_type="letter",
                                      title="Latihan", signer_role="ketua", source_version_id=version.id,
                                      state="menunggu"))
    db.session.add_all(extra)
    db.session.commit()
    from portal.signing.queue import start_batch

    batch = start_batch(ketua, [r.id for r in db.session.scalars(select(SignatureRequest))], PIN)
    db.session.commit()
    total = batch.total

    env = dict(os.environ, DATABASE_URL=app.config["DATABASE_URL"], SECRET_KEY="worker-test",
               STORAGE_DIR=app.config["STORAGE_DIR"], SIGNING_DIR=app.config["SIGNING_DIR"],
               HUEY_SQLITE_PATH=str(tmp_path / "huey.sqlite3"), PORTAL_INSTANCE_DIR=str(tmp_path / "inst"),
               SIGNING_LEASE_SECONDS="1", SIGNING_CHUNK="2", PORTAL_ENV="development")
    env.pop("REDIS_URL", None)
    if queue == "redis":
        env["REDIS_URL"] = request.getfixturevalue("redis_process")

    def signed_count():
        db.session.expire_all()
        return db.session.scalar(select(func.count()).select_from(SignatureRequest).where(
            SignatureRequest.batch_id == batch.id, SignatureRequest.state == "ditandatangani"))

    worker = subprocess.Popen([sys.executable, str(Path(__file__).parent / "drill.py"), "0.2"], env=env, cwd=Path(__file__).parent.parent,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while signed_count() < 2 and time.time() < deadline:
        time.sleep(0.1)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    midway = signed_count()
    assert 1 <= midway < total, "the drill must kill the worker in the middle of the batch"

    worker = subprocess.Popen([sys.executable, str(Path(__file__).parent / "drill.py"), "0.2"], env=env, cwd=Path(__file__).parent.parent,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 90
        while time.time() < deadline and (signed_count() < total
                                          or db.session.get(SigningBatch, batch.id).state != "selesai"):
            time.sleep(0.2)
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    assert signed_count() == total
    # None signed twice: one signed version per request, each distinct.
    signed_versions = db.session.scalars(select(SignatureRequest.signed_version_id).where(
        SignatureRequest.batch_id == batch.id)).all()
    assert len(set(signed_versions)) == total
    versions_note = db.session.scalar(select(func.count()).select_from(DocumentVersion).where(
        DocumentVersion.note == "Ditandatangani secara elektronik"))
    assert versions_note == total
    assert db.session.get(SigningBatch, batch.id).state == "selesai"
    if queue == "redis":  # the task really went through Redis: pushed by the worker, popped by it
        import redis

        stats = redis.Redis.from_url(env["REDIS_URL"]).info("commandstats")
        assert stats.get("cmdstat_lpush", {}).get("calls", 0) >= 1
        assert stats.get("cmdstat_brpop", {}).get("calls", 0) >= 1


def test_batch_through_the_national_tte_service_signs_with_the_passphrase_held_in_memory(
        app, db, signing, monkeypatch):
    from cryptography.hazmat.primitives import serialization

    from tests.fake_tte import DEMO_NIK, DEMO_PASSPHRASE, make_demo_identity, start_fake_tte
    from portal.signing.models import SigningCredential

    identity = make_demo_identity()
    url, stop = start_fake_tte(identity)
    monkeypatch.setitem(app.config, "SIGNING_BACKEND", "tte")
    monkeypatch.setitem(app.config, "SIGNING_TTE_URL", url)
    try:
        case, cast, ketua = _rcc_at_signing(db)
        credential = db.session.scalar(select(SigningCredential).where(SigningCredential.user_id == ketua.id))
        credential.tte_nik = DEMO_NIK
        db.session.commit()
        client = app.test_client()
        login(client, ketua.username)
        ids = [r.id for r in db.session.scalars(select(SignatureRequest))]
        client.post("/tanda-tangan/batch", data={"requests": ids[:1], "pin": "passphrase-keliru"})
        db.session.expire_all()
        first = db.session.get(SignatureRequest, ids[0])
        assert first.state == "gagal" and "Passphrase salah" in first.error
        client.post("/tanda-tangan/batch", data={"requests": ids, "pin": DEMO_PASSPHRASE})
        db.session.expire_all()
        signed = db.session.scalars(select(SignatureRequest)).all()
        assert {r.state for r in signed} == {"ditandatangani"}
        root = identity.chain[-1]
        from cryptography import x509

        root_cert = x509.load_pem_x509_certificate(root.public_bytes(serialization.Encoding.PEM))
        report = validate_signed_pdf(storage.read_bytes(signed[0].signed_version.storage_key), [root_cert])
        assert report.intact and report.trusted, report.problems
        # The passphrase is nowhere in the database.
        from portal.audit.models import AuditEntry

        assert not any(DEMO_PASSPHRASE in str(e.detail) for e in db.session.scalars(select(AuditEntry)))
        assert engine.open_work(case)[0].step_key == "number_approval"
    finally:
        stop()


@pytest.mark.parametrize("with_revocation, level", [(False, "B-T"), (True, "B-LT")])
def test_queue_reaches_b_t_with_a_tsa_and_b_lt_with_revocation_info(app, db, tmp_path, monkeypatch,
                                                                   with_revocation, level):
    from tests.signing_pki import running_test_pki

    with running_test_pki(tmp_path / "pki") as pki:
        passphrase_file = tmp_path / "passphrase"
        passphrase_file.write_bytes(pki.passphrase if isinstance(pki.passphrase, bytes) else pki.passphrase.encode())
        root_pem = tmp_path / "root.pem"
        from cryptography.hazmat.primitives import serialization

        root_pem.write_bytes(pki.root.cert.public_bytes(serialization.Encoding.PEM))
        for key, value in {"SIGNING_P12_PATH": str(pki.p12_path), "SIGNING_P12_PASSPHRASE_FILE": str(passphrase_file),
                           "SIGNING_TSA_URL": pki.tsa_url, "SIGNING_REVOCATION_INFO": with_revocation,
                           "SIGNING_ROOT_CERT_PATH": str(root_pem)}.items():
            monkeypatch.setitem(app.config, key, value)
        case, cast, ketua = _rcc_at_signing(db)
        client = app.test_client()
        login(client, ketua.username)
        ids = [r.id for r in db.session.scalars(select(SignatureRequest))]
        client.post("/tanda-tangan/batch", data={"requests": ids, "pin": PIN})
        db.session.expire_all()
        signed = db.session.scalars(select(SignatureRequest)).all()
        assert {r.state for r in signed} == {"ditandatangani"}
        assert {r.level for r in signed} == {level}
        report = validate_signed_pdf(storage.read_bytes(signed[0].signed_version.storage_key), [pki.root_cert])
        assert report.timestamp_valid and report.trusted and report.level == level, report.problems


def test_timestamp_service_down_marks_documents_failed_and_retryable(app, db, signing, monkeypatch):
    from tests.signing_pki import unused_local_url

    monkeypatch.setitem(app.config, "SIGNING_TSA_URL", unused_local_url())
    case, cast, ketua = _rcc_at_signing(db)
    client = app.test_client()
    login(client, ketua.username)
    ids = [r.id for r in db.session.scalars(select(SignatureRequest))]
    client.post("/tanda-tangan/batch", data={"requests": ids, "pin": PIN})
    db.session.expire_all()
    failed = db.session.scalars(select(SignatureRequest)).all()
    assert {r.state for r in failed} == {"gagal"} and all(r.error for r in failed)
    monkeypatch.setitem(app.config, "SIGNING_TSA_URL", None)
    client.post("/tanda-tangan/batch", data={"requests": ids, "pin": PIN})
    db.session.expire_all()
    assert {r.state for r in db.session.scalars(select(SignatureRequest))} == {"ditandatangani"}


def test_drafts_from_templates_are_signed_in_their_reserved_box(app, db, signing, login_as):
    import subprocess as sp

    cast = Cast()
    from tests.assessment_data import open_assessor_case

    case = open_assessor_case("RCC", cast, 1, title="RCC dengan draf templat")
    drive(case, cast, until="draft_approval")
    db.session.commit()
    staff = login_as("staf_sertifikasi")
    work = engine.open_work(case)[0]
    for slot, role in (("spt_ma_pelatih", "ma_pelatih"), ("spt_ma_penguji", "ma_penguji")):
        staff.post(f"/kasus/{case.number}/master-asesor", data={"slot": slot, "user_id": cast.user(role).id})
    for code in ("D5 A", "D6 A", "D6 B"):
        response = staff.post(f"/kasus/{case.number}/kerja/{work.id}/draf", data={"code": code},
                              headers={"HX-Request": "true"})
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
    db.session.expire_all()
    draft = engine.latest_documents(case)[("D5 A", "")]
    text = sp.run(["pdftotext", str(storage.path_for(draft.storage_key)), "-"], capture_output=True, text=True).stdout
    assert "Persetujuan Permohonan" in text and "DISETUJUI" in text and case.number in text
    assert draft.signature_box and len(draft.signature_box) == 5
    engine.act(case, work.id, "submit", staff.user)
    ketua = cast.user("ketua")
    set_pin(ketua, PIN)
    db.session.commit()
    client = app.test_client()
    login(client, ketua.username)
    ids = [r.id for r in db.session.scalars(select(SignatureRequest).where(SignatureRequest.case_id == case.id))]
    client.post("/tanda-tangan/batch", data={"requests": ids, "pin": PIN})
    db.session.expire_all()
    signed = db.session.scalars(select(SignatureRequest).where(SignatureRequest.code == "D7 A")).one()
    from pyhanko.pdf_utils.reader import PdfFileReader
    import io

    reader = PdfFileReader(io.BytesIO(storage.read_bytes(signed.signed_version.storage_key)))
    field = reader.embedded_signatures[0].sig_field
    rect = [float(v) for v in field["/Rect"]]
    expected = draft.signature_box[1:]
    assert all(abs(a - b) < 1.0 for a, b in zip(rect, expected)), (rect, expected)


def test_naming_another_signer_moves_the_waiting_documents_to_their_queue(app, db, signing, login_as):
    from tests.conftest import make_user

    cast = Cast()
    case = engine.open_case("LIS", cast.user("lsp"), "Lisensi: undangan apresiasi", organisation=cast.organisation)
    drive(case, cast, until="sign_apresiasi_invitation")
    db.session.commit()
    request = db.session.scalars(select(SignatureRequest).where(SignatureRequest.case_id == case.id)).one()
    kasek = make_user("kasek_penanda", ["kasek"])
    engine.assign(case, "penandatangan", kasek, cast.user("admin"))
    db.session.commit()
    db.session.refresh(request)
    assert request.signer_role == "kasek" and request.signer_user_id == kasek.id
    from portal.signing.queue import pending_for

    assert request in pending_for(kasek)
    assert request not in pending_for(cast.user("ketua"))
