"""Password policy (NIST SP 800-63B style), password reset / activation by e-mail, and a
registration form that reveals no existing username or e-mail."""
from __future__ import annotations

import email
import re
from datetime import timedelta
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.accounts.models import Organisation, User
from tests.conftest import TEST_PASSWORD, login, make_user


def _mails(app) -> list:
    out = []
    for path in sorted(Path(app.config["MAIL_OUTBOX_DIR"]).glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        out.append((message["To"], message["Subject"], message.get_content()))
    return out


def _link(body: str) -> str:
    return re.search(r"http://localhost(/akun/\S+)", body).group(1)


# --- policy --------------------------------------------------------------------------------------

@pytest.mark.parametrize("weak, reason", [
    ("12345678", "minimal 10 karakter"),
    ("password", "minimal 10 karakter"),
    ("password123", "umum dipakai"),
    ("1234567890", "umum dipakai"),
    ("sayang12345", "umum dipakai"),
    ("qwertyuiop", "umum dipakai"),
    ("ujicoba_sandi2026", "nama, nama pengguna, atau alamat e-mail"),
])
def test_weak_passwords_are_refused_with_the_reason_in_indonesian(login_as, weak, reason):
    client = login_as("cs", username="ujicoba_sandi")
    response = client.post("/akun/kata-sandi", data={"current": TEST_PASSWORD, "new": weak, "confirm": weak})
    assert response.status_code == 422
    assert reason in response.get_data(as_text=True)


def test_a_long_passphrase_is_accepted(app, login_as):
    client = login_as("cs")
    phrase = "kopi pagi di teras hujan"
    response = client.post("/akun/kata-sandi", data={"current": TEST_PASSWORD, "new": phrase, "confirm": phrase})
    assert response.status_code == 302
    login(app.test_client(), client.user.username, phrase)


# --- reset -------------------------------------------------------------------------------------

def test_password_reset_by_email_link_works_once(app, client, db):
    user = make_user("lupa_sandi", ["cs"])
    other_session = app.test_client()
    login(other_session, "lupa_sandi")
    page = client.post("/akun/lupa-sandi", data={"login": "lupa_sandi@uji.bnsp.test"})
    assert page.status_code == 200 and "Jika nama pengguna atau e-mail tersebut terdaftar" in page.get_data(as_text=True)
    (to, subject, body), = _mails(app)
    assert to == user.email and "Atur ulang kata sandi" in subject
    link = _link(body)
    assert client.get(link).status_code == 200
    new = "Sepeda-Ontel-Merah-42"
    response = client.post(link, data={"new": new, "confirm": new})
    assert response.status_code == 302
    login(app.test_client(), "lupa_sandi", new)
    assert other_session.get("/beranda").status_code == 302  # the reset ended every session
    # Single use: the same link does nothing a second time.
    again = client.post(link, data={"new": "Lain-Lagi-Sandinya-9", "confirm": "Lain-Lagi-Sandinya-9"})
    assert again.status_code == 400 and "sudah dipakai" in again.get_data(as_text=True)
    login(app.test_client(), "lupa_sandi", new)


def test_reset_for_an_unknown_account_looks_the_same_and_sends_nothing(app, client, db):
    make_user("ada_orangnya", ["cs"])
    known = client.post("/akun/lupa-sandi", data={"login": "ada_orangnya"}).get_data(as_text=True)
    unknown = client.post("/akun/lupa-sandi", data={"login": "tidak_ada"}).get_data(as_text=True)
    strip = lambda html: re.sub(r'name="csrf_token" value="[^"]*"|"X-CSRFToken": "[^"]*"', "", html)  # noqa: E731
    assert strip(known) == strip(unknown)
    assert len(_mails(app)) == 1


def test_reset_link_expires(app, client, db, monkeypatch):
    import time as time_module

    from portal.accounts import passwords

    make_user("kedaluwarsa", ["cs"])
    client.post("/akun/lupa-sandi", data={"login": "kedaluwarsa"})
    link = _link(_mails(app)[0][2])
    later = time_module.time() + timedelta(hours=passwords.RESET_HOURS, minutes=1).total_seconds()
    monkeypatch.setattr(passwords.time, "time", lambda: later)
    assert client.get(link).status_code == 400


def _org(db):
    org = Organisation(name="LSP Aktivasi", kind="lsp", email="aktivasi@lsp.test")
    db.session.add(org)
    db.session.commit()
    return org


# --- registration reveals nothing ----------------------------------------------------------------

REGISTRATION = {
    "org_name": "LSP Kelautan", "kind": "clsp", "org_email": "info@lsp-laut.test", "phone": "021-1",
    "full_name": "Bayu Samudra", "username": "bayu_laut", "email": "bayu@lsp-laut.test",
    "password": "Ombak-Pantai-Selatan-5", "confirm": "Ombak-Pantai-Selatan-5",
}


@pytest.mark.parametrize("taken", ["username", "email"])
def test_registration_does_not_reveal_a_taken_username_or_email(app, client, db, taken):
    make_user("sudah_ada", ["cs"])
    fresh = client.post("/akun/daftar", data=REGISTRATION)
    data = dict(REGISTRATION, org_name="LSP Lain", email="baru@lsp-lain.test", username="baru_lain")
    data[taken] = {"username": "sudah_ada", "email": "sudah_ada@uji.bnsp.test"}[taken]
    second = client.post("/akun/daftar", data=data)
    assert second.status_code == fresh.status_code == 200
    assert "Periksa e-mail Anda" in second.get_data(as_text=True)
    for word in ("sudah dipakai", "sudah terdaftar"):
        assert word not in second.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Organisation.id)).where(Organisation.name == "LSP Lain")) == 0
    to, subject, body = _mails(app)[-1]
    assert to == data["email"] and "tidak dapat diproses" in subject
    assert db.session.scalar(select(func.count(User.id))) == 2
