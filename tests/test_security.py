"""CSRF, login throttling, password change, registration, and the audit chain."""
from __future__ import annotations

from sqlalchemy import func, select, text

from portal.accounts.models import Organisation, User
from portal.audit.models import AuditEntry
from portal.audit.services import record, verify_chain
from tests.conftest import TEST_PASSWORD, login, make_user


# --- CSRF ------------------------------------------------------------------------------------

def test_post_without_csrf_token_is_refused_and_changes_nothing(app, db, login_as):
    admin = login_as("admin")
    target = make_user("target_csrf", ["cs"])
    response = admin.post(f"/admin/pengguna/{target.id}", data={"roles": ["kasek"]}, csrf=False)
    assert response.status_code == 400
    assert "Formulir kedaluwarsa atau tidak sah" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, target.id).role_codes == {"cs"}


def test_forged_csrf_token_is_refused(app, db, login_as):
    admin = login_as("admin")
    target = make_user("target_forged", ["cs"])
    response = admin.post(f"/admin/pengguna/{target.id}", data={"roles": ["kasek"]}, csrf="palsu")
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, target.id).role_codes == {"cs"}


def test_htmx_request_with_token_in_header_is_accepted(app, db, login_as):
    admin = login_as("admin")
    target = make_user("target_htmx", ["cs"])
    token = admin.csrf_token()
    response = admin.post(f"/admin/pengguna/{target.id}", data={"roles": ["kasek"]},
                          headers={"HX-Request": "true", "X-CSRFToken": token}, csrf=False)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, target.id).role_codes == {"kasek"}


def test_token_from_another_session_does_not_work(app, db, login_as):
    admin = login_as("admin")
    other = login_as("admin")
    target = make_user("target_cross", ["cs"])
    response = admin.post(f"/admin/pengguna/{target.id}", data={"roles": ["kasek"]},
                          csrf=other.csrf_token())
    assert response.status_code == 400


def test_every_page_carries_the_token_for_htmx(app, db, login_as):
    client = login_as("kasek")
    html = client.get("/beranda").get_data(as_text=True)
    assert f'"X-CSRFToken": "{client.csrf_token()}"' in html


# --- login ------------------------------------------------------------------------------------

def test_login_with_wrong_password_says_so_in_indonesian(client, db):
    make_user("salah_sandi", ["cs"])
    response = client.post("/akun/masuk", data={"username": "salah_sandi", "password": "keliru"})
    assert response.status_code == 401
    assert "Nama pengguna atau kata sandi salah" in response.get_data(as_text=True)


def test_login_throttle_locks_after_repeated_failures_across_workers(app, db, tmp_path):
    """Two app instances stand in for two gunicorn workers sharing one database."""
    from portal import create_app

    make_user("dikunci", ["cs"])
    other_worker = create_app({"TESTING": True, "DATABASE_URL": app.config["DATABASE_URL"],
                               "STORAGE_DIR": str(tmp_path / "s"), "MAIL_OUTBOX_DIR": str(tmp_path / "o")})
    other_worker.test_client_class = type(app.test_client())
    first, second = app.test_client(), other_worker.test_client()
    for attempt in range(app.config["LOGIN_MAX_FAILURES"]):
        worker = first if attempt % 2 == 0 else second
        response = worker.post("/akun/masuk", data={"username": "dikunci", "password": "tebakan"})
        assert response.status_code in (401, 429)
    # Even the right password is refused while locked, on either worker.
    for worker in (first, second):
        response = worker.post("/akun/masuk", data={"username": "dikunci", "password": TEST_PASSWORD})
        assert response.status_code == 429
        assert "dikunci sementara" in response.get_data(as_text=True)
    with other_worker.app_context():
        from portal.extensions import db as ext_db
        ext_db.engine.dispose()


def test_login_works_again_after_the_lock_expires(app, db):
    from datetime import timedelta

    from portal.accounts.models import LoginAttempt

    make_user("kunci_lama", ["cs"])
    client = app.test_client()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/akun/masuk", data={"username": "kunci_lama", "password": "tebakan"})
    assert client.post("/akun/masuk", data={"username": "kunci_lama", "password": TEST_PASSWORD}).status_code == 429
    for attempt in db.session.scalars(select(LoginAttempt)):
        attempt.at = attempt.at - timedelta(minutes=app.config["LOGIN_LOCK_MINUTES"] + 1)
    db.session.commit()
    assert client.post("/akun/masuk", data={"username": "kunci_lama", "password": TEST_PASSWORD}).status_code == 302


def test_disabled_user_cannot_log_in_and_is_logged_out(app, db, login_as):
    admin = login_as("admin")
    staff = login_as("cs")
    assert staff.get("/beranda").status_code == 200
    response = admin.post(f"/admin/pengguna/{staff.user.id}/status")
    assert response.status_code == 302
    assert staff.get("/beranda").status_code == 302  # session no longer valid
    refused = app.test_client().post("/akun/masuk", data={"username": staff.user.username,
                                                        "password": TEST_PASSWORD})
    assert "dinonaktifkan" in refused.get_data(as_text=True)


def test_password_change_needs_the_current_password(app, db, login_as):
    client = login_as("cs")
    bad = client.post("/akun/kata-sandi", data={"current": "salah", "new": "Perahu-Kertas-Biru-7", "confirm": "Perahu-Kertas-Biru-7"})
    assert bad.status_code == 422 and "Kata sandi saat ini salah" in bad.get_data(as_text=True)
    ok = client.post("/akun/kata-sandi", data={"current": TEST_PASSWORD, "new": "Perahu-Kertas-Biru-7", "confirm": "Perahu-Kertas-Biru-7"})
    assert ok.status_code == 302
    assert client.get("/beranda").status_code == 200  # this session continues
    login(app.test_client(), client.user.username, "Perahu-Kertas-Biru-7")


def test_passwords_are_stored_as_argon2_hashes(db):
    user = make_user("hash_uji", ["cs"])
    assert user.password_hash.startswith("$argon2id$")
    assert TEST_PASSWORD not in user.password_hash


# --- self-registration ---------------------------------------------------------------------------

REGISTRATION = {
    "org_name": "LSP Energi Terbarukan", "kind": "clsp", "org_email": "info@lsp-energi.test",
    "phone": "021-555", "full_name": "Rina Wati", "username": "rina_lsp", "email": "rina@lsp-energi.test",
    "password": "Kebun-Teh-Puncak-88", "confirm": "Kebun-Teh-Puncak-88",
}


def test_organisation_registers_and_confirms_by_email(app, client, db):
    import re
    from pathlib import Path

    response = client.post("/akun/daftar", data=REGISTRATION)
    assert response.status_code == 200 and "Periksa e-mail Anda" in response.get_data(as_text=True)
    # Not usable before confirmation.
    early = client.post("/akun/masuk", data={"username": "rina_lsp", "password": "Kebun-Teh-Puncak-88"})
    assert "belum dikonfirmasi" in early.get_data(as_text=True)
    mails = list(Path(app.config["MAIL_OUTBOX_DIR"]).glob("*.eml"))
    assert len(mails) == 1
    import email
    from email import policy

    body = email.message_from_bytes(mails[0].read_bytes(), policy=policy.default).get_content()
    link = re.search(r"http://localhost(/akun/konfirmasi/\S+)", body).group(1)
    assert client.get(link).status_code == 302
    login(client, "rina_lsp", "Kebun-Teh-Puncak-88")
    org = db.session.scalar(select(Organisation).where(Organisation.name == "LSP Energi Terbarukan"))
    assert org.kind == "clsp"


def test_registration_with_missing_fields_keeps_nothing(client, db):
    data = dict(REGISTRATION, org_name="")
    response = client.post("/akun/daftar", data=data)
    assert response.status_code == 422
    assert "Nama lembaga wajib diisi" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_forged_confirmation_link_is_refused(client, db):
    response = client.get("/akun/konfirmasi/palsu.token.ini")
    assert response.status_code == 400 and "tidak sah" in response.get_data(as_text=True)


def test_login_does_not_redirect_to_another_site(client, db):
    make_user("no_open_redirect", ["cs"])
    response = client.post("/akun/masuk?next=//evil.example/x",
                           data={"username": "no_open_redirect", "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/beranda"


# --- audit trail ------------------------------------------------------------------------------

def _make_entries(db, n=5):
    for i in range(n):
        record("uji.aksi", object_type="uji", object_id=i, detail={"i": i})
    db.session.commit()


def test_audit_chain_verifies_when_untouched(runner, db):
    _make_entries(db)
    assert verify_chain().ok
    result = runner.invoke(args=["audit-verify"])
    assert result.exit_code == 0 and "rantai hash utuh" in result.output


def test_audit_verify_reports_an_altered_row(runner, db):
    _make_entries(db)
    db.session.execute(text("UPDATE audit_entry SET action = 'diubah' WHERE id = 3"))
    db.session.commit()
    report = verify_chain()
    assert report.broken_at == 3
    result = runner.invoke(args=["audit-verify"])
    assert result.exit_code == 1 and "#3" in result.output


def test_audit_verify_reports_a_deleted_row(runner, db):
    _make_entries(db)
    db.session.execute(text("DELETE FROM audit_entry WHERE id = 2"))
    db.session.commit()
    assert verify_chain().broken_at == 2


def test_audit_records_who_did_what_from_where(app, db, login_as):
    admin = login_as("admin")
    target = make_user("diaudit", ["cs"])
    admin.post(f"/admin/pengguna/{target.id}", data={"roles": ["phu"]},
               environ_base={"REMOTE_ADDR": "10.1.2.3"})
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.roles"))
    assert entry.actor_name == admin.user.username
    assert entry.object_id == str(target.id) and entry.ip_address == "10.1.2.3"
    assert entry.detail["after"] == ["phu"]
