"""`flask seed-demo`: demo cases walked through the real engine, so that every role finds real work
(the Ketua a queue of real documents to sign), seeding again changes nothing, and each LSP sees
only its own cases."""
from __future__ import annotations

import subprocess

import pytest
from sqlalchemy import func, select

from portal import storage
from portal.accounts.models import User
from portal.audit.models import AuditEntry
from portal.cases.models import Case, DocumentVersion, WorkItem
from portal.cli import DEMO_PASSWORD
from portal.signing.models import SignatureRequest
from portal.signing.queue import pending_for
from tests.conftest import login

pytestmark = pytest.mark.slow  # walks six cases through their flows (about ten seconds)


def _counts(db) -> dict[str, int]:
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (User, Case, WorkItem, DocumentVersion, SignatureRequest, AuditEntry)}


def _user(db, username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def _pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture()
def seeded(app, db, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result


def test_seeding_twice_changes_nothing_and_signers_find_real_documents(db, runner, seeded):
    before = _counts(db)
    assert before["Case"] == 10  # 6 walked cases, 3 licensing cases, 1 ASKOM case
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0, again.output
    db.session.expire_all()
    assert _counts(db) == before

    pending = pending_for(_user(db, "ketua"))
    assert len(pending) >= 10
    assert {"D7 A", "D8 A", "D8 B", "D23b", "D23c", "D24"} <= {r.code for r in pending}
    assert len([r for r in pending if r.code == "D24"]) >= 5  # certificates of several participants
    for request in pending:
        text = _pdf_text(storage.path_for(request.source_version.storage_key))
        assert "BADAN NASIONAL SERTIFIKASI PROFESI" in text.upper(), request.code
        if request.code in ("D7 A", "D8 A", "D8 B", "D23b"):
            assert "……/BNSP" in text  # the number PHU or signing fills in later
        if request.code == "D24":
            assert request.holder_name in text
    # The Kasek signs the invitation the licensing staff put in their name.
    assert [r.code for r in pending_for(_user(db, "kasek"))] == ["D4"]


def test_documents_signed_on_the_way_are_really_signed_and_numbered(db, seeded):
    from cryptography import x509

    from portal.signing.setup import ensure_dev_signing
    from portal.signing.validation import validate_signed_pdf

    root = x509.load_pem_x509_certificate(ensure_dev_signing().root_cert_path.read_bytes())
    signed = db.session.scalars(select(SignatureRequest).where(SignatureRequest.state == "ditandatangani")).all()
    assert {"D7 A", "D22", "D4", "D13", "D20"} <= {r.code for r in signed}
    numbered = next(r for r in signed if r.code == "D7 A")
    assert numbered.number and "/BNSP/" in numbered.number  # PHU numbered it
    report = validate_signed_pdf(storage.read_bytes(numbered.signed_version.storage_key), [root])
    assert report.intact and report.trusted, report.problems


def test_staff_find_work_and_each_lsp_sees_only_its_own_cases(app, db, seeded):
    numbers = [c.number for c in db.session.scalars(select(Case))]
    for username in ("cs", "staf_lisensi", "kasek"):
        client = app.test_client()
        login(client, username, DEMO_PASSWORD)
        page = client.get("/kotak-kerja").get_data(as_text=True)
        assert any(number in page for number in numbers), f"{username} has an empty Kotak Kerja"

    lsp1 = _user(db, "lsp1")
    own = db.session.scalars(select(Case).where(Case.organisation_id == lsp1.organisation_id)).all()
    assert {c.flow_code for c in own} == {"LIS", "RCC"}
    assert any("apresiasi_check" in c.active_steps for c in own)  # waiting for the CS check
    client = app.test_client()
    login(client, "lsp1", DEMO_PASSWORD)
    listing = client.get("/kasus").get_data(as_text=True)
    assert all(c.number in listing for c in own)

    other = app.test_client()
    login(other, "lsp2", DEMO_PASSWORD)
    listing = other.get("/kasus").get_data(as_text=True)
    assert not any(c.number in listing for c in own)
    assert other.get(f"/kasus/{own[0].number}").status_code in (403, 404)


def test_licensing_demo_cases_wait_at_the_checklist_open_findings_and_the_pleno(db, seeded):
    from portal.cases import engine
    from portal.cases.models import Case
    from portal.licensing import checklist, lks

    cases = {c.data.get("demo"): c for c in db.session.scalars(db.select(Case).where(Case.flow_code == "LIS"))}
    at_check = cases["lsp1-lisensi"]
    assert [w.step_key for w in engine.open_work(at_check)] == ["apresiasi_check"]
    assert len(checklist.latest_files(at_check)) == len(checklist.requirements("apresiasi"))
    fresh, late = cases["lsp1-lks"], cases["lsp2-lks-lewat"]
    assert {lks.status_of(fresh, f) for f in lks.findings_of(fresh)} == {"Terbuka"} and len(lks.findings_of(fresh)) == 2
    assert "lks_lewat_15_hari" in late.flags and "lks_lewat_15_hari" not in fresh.flags
    assert [w.step_key for w in engine.open_work(cases["energi-pleno"])] == ["pleno"]
