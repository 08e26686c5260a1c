"""Forgotten password in a real browser: the link on the login page, the e-mail, a refused weak
password with its Indonesian reason, the new password, and logging in with it."""
from __future__ import annotations

import email
import re
from email import policy
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import make_user

pytestmark = pytest.mark.browser


def test_forgotten_password_is_reset_through_the_mailed_link(page, app, live_server, db, snap):
    make_user("lupa_di_peramban", ["cs"])
    page.goto("/akun/masuk")
    page.get_by_role("link", name="Lupa kata sandi?").click()
    page.get_by_label("Nama pengguna atau e-mail").fill("lupa_di_peramban@uji.bnsp.test")
    snap("lupa-sandi")
    page.get_by_role("button", name="Kirim tautan").click()
    expect(page.get_by_role("status")).to_contain_text("Jika nama pengguna atau e-mail tersebut terdaftar")

    mail, = Path(app.config["MAIL_OUTBOX_DIR"]).glob("*.eml")
    body = email.message_from_bytes(mail.read_bytes(), policy=policy.default).get_content()
    page.goto(re.search(r"http://localhost(/akun/atur-sandi/\S+)", body).group(1))
    page.get_by_label("Kata sandi baru", exact=True).fill("password123")
    page.get_by_label("Ulangi kata sandi baru").fill("password123")
    page.get_by_role("button", name="Simpan kata sandi").click()
    expect(page.get_by_role("alert")).to_contain_text("umum dipakai")
    snap("atur-sandi-ditolak")
    page.get_by_label("Kata sandi baru", exact=True).fill("Layang-layang di Pantai Kuta")
    page.get_by_label("Ulangi kata sandi baru").fill("Layang-layang di Pantai Kuta")
    page.get_by_role("button", name="Simpan kata sandi").click()
    expect(page).to_have_url(live_server("/akun/masuk"))
    page.get_by_label("Nama pengguna").fill("lupa_di_peramban")
    page.get_by_label("Kata sandi").fill("Layang-layang di Pantai Kuta")
    page.get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(live_server("/beranda"))
