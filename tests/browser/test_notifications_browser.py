"""Issue 14 in a real browser: the bell's unread count changes without a page reload (HTMX polling),
on a desktop and at phone width; the list marks notices read; the dashboard fits a phone."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.accounts.services import hash_password
from portal.cli import DEMO_PASSWORD
from portal.notifications import services
from tests.conftest import make_user
from tests.browser.conftest import PHONE
from tests.test_dashboard import letters  # noqa: F401  (fixture: three letters, one late)

pytestmark = pytest.mark.browser


def test_the_bell_count_follows_new_and_read_notices(page, live_server, db, sign_in, snap, app, monkeypatch):
    monkeypatch.setitem(app.config, "NOTIFICATION_POLL_SECONDS", 1)
    kabag = make_user("kabag_lonceng", ["kabag"])
    kabag.password_hash = hash_password(DEMO_PASSWORD)
    services.mark_all_read(kabag)  # the welcome notice
    db.session.commit()
    sign_in(kabag.username)
    bell = page.locator("#bell")
    expect(bell).to_be_visible()
    expect(bell.locator(".bell-count")).to_have_count(0)

    services.notify(kabag, "pekerjaan", "SKS-2026-00001: Koreksi & paraf Kepala Bagian",
                    "Surat menunggu paraf Anda.", email=False)
    db.session.commit()
    expect(bell.locator(".bell-count")).to_have_text("1", timeout=8000)  # no reload: the bell polled
    snap("lonceng-satu")

    bell.click()
    expect(page.get_by_role("heading", name="Pemberitahuan")).to_be_visible()
    expect(page.locator(".notice-unread")).to_have_count(1)
    page.get_by_role("button", name="Tandai semua sudah dibaca").click()
    expect(page.locator(".notice-unread")).to_have_count(0)
    expect(page.locator("#bell .bell-count")).to_have_count(0)

    page.set_viewport_size(PHONE)
    services.notify(kabag, "terlambat", "SKS-2026-00002: Koreksi & paraf Kepala Bagian terlambat",
                    "Batas waktu: 28 Juli 2021 pukul 15.00 WIB.", email=False)
    services.notify(kabag, "pekerjaan", "SKS-2026-00003: Koreksi & paraf Kepala Bagian", "", email=False)
    db.session.commit()
    expect(page.locator("#bell .bell-count")).to_have_text("2", timeout=8000)
    expect(page.locator("#bell")).to_be_in_viewport()
    page.reload()
    snap("pemberitahuan")


def test_dashboard_reads_on_a_phone(page, live_server, db, sign_in, snap, letters):
    ketua = make_user("ketua_dasbor", ["ketua"])
    ketua.password_hash = hash_password(DEMO_PASSWORD)
    db.session.commit()
    sign_in(ketua.username)
    page.goto("/dasbor")
    expect(page.get_by_role("heading", name="Kasus per bulan (semua alur)")).to_be_visible()
    expect(page.locator("svg.dash-chart")).to_have_count(2)
    expect(page.locator("#macet")).to_contain_text("(0)")
    snap("dasbor")
