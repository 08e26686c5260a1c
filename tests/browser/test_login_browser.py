"""The foundation in a real browser: logging in through the form, what each role then sees, the
Indonesian error on a wrong password, logging out, and pages that render without CSP violations."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ADMIN_ONLY = ("Pengguna", "Jejak Audit", "Kalender Hari Kerja")


def _nav_links(page) -> dict[str, str]:
    nav = page.get_by_role("navigation", name="Menu utama")
    return {link.inner_text().strip(): link.get_attribute("href") for link in nav.get_by_role("link").all()}


def _assert_every_link_opens(page, links: dict[str, str]) -> None:
    for label, href in links.items():
        response = page.goto(href)
        assert response is not None and response.status == 200, f"menu item {label!r} ({href}) answered {response.status}"


def _open_user_menu(page, full_name: str):
    page.locator("details.usermenu summary").click()
    panel = page.locator(".usermenu-panel")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text(full_name)
    return panel


def test_ketua_logs_in_and_sees_only_the_menu_of_the_role(page, live_server, demo_accounts, sign_in, snap):
    sign_in("ketua")

    expect(page).to_have_url(live_server("/beranda"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Selamat datang, Dr. Ketua BNSP")
    expect(page.locator("main .badge")).to_have_text(["Ketua BNSP"])  # the role, by its label
    links = _nav_links(page)
    assert "Ubah Kata Sandi" in links
    assert not set(ADMIN_ONLY) & set(links), f"ketua's menu shows administration items: {sorted(links)}"
    snap("beranda-ketua")
    _open_user_menu(page, "Dr. Ketua BNSP")
    snap("menu-pengguna-ketua")

    _assert_every_link_opens(page, links)
    response = page.goto("/admin/pengguna")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Akses ditolak")


def test_lsp_logs_in_and_sees_its_organisation(page, live_server, demo_accounts, sign_in, snap):
    sign_in("lsp1")

    expect(page).to_have_url(live_server("/beranda"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Selamat datang, Lina Admin LSP Teknologi Digital")
    expect(page.locator("main .badge")).to_have_text(["Pemohon / LSP"])
    expect(page.locator("main")).to_contain_text("LSP Teknologi Digital Nusantara")
    expect(page.locator("main")).not_to_contain_text("LSP Pariwisata Indonesia")  # the other LSP
    links = _nav_links(page)
    assert not set(ADMIN_ONLY) & set(links), f"an LSP's menu shows administration items: {sorted(links)}"
    panel = _open_user_menu(page, "Lina Admin LSP Teknologi Digital")
    expect(panel).to_contain_text("LSP Teknologi Digital Nusantara")
    snap("beranda-lsp1")

    _assert_every_link_opens(page, links)
    response = page.goto("/admin/audit")
    assert response.status == 403
    expect(page.locator("main")).to_contain_text("Anda tidak memiliki hak untuk membuka halaman ini.")
    snap("403")


def test_admin_sees_the_administration_pages(page, db, live_server, demo_accounts, sign_in, snap):
    from portal.calendar.services import seed_default_holidays

    seed_default_holidays([2026])
    db.session.commit()
    sign_in("admin")

    links = _nav_links(page)
    assert set(ADMIN_ONLY) <= set(links)
    snap("beranda-admin")
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Pengguna").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pengguna")
    expect(page.get_by_role("cell", name="LSP Teknologi Digital Nusantara")).to_be_visible()
    snap("admin-pengguna")
    page.get_by_role("row", name=re.compile(r"^lsp1\b")).get_by_role("link", name="Ubah").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lina Admin LSP Teknologi Digital")
    expect(page.get_by_role("checkbox", name="Pemohon / LSP")).to_be_checked()
    menu = page.get_by_role("navigation", name="Menu utama")
    expect(menu.get_by_role("link", name="Pengguna")).to_have_attribute("aria-current", "page")
    snap("admin-ubah-pengguna")
    page.goto("/admin/audit")
    expect(page.get_by_text(re.compile(r"Rantai hash utuh"))).to_be_visible()
    snap("admin-audit")
    page.goto("/admin/kalender/?tahun=2026")
    expect(page.get_by_role("cell", name="Hari Kemerdekaan Republik Indonesia")).to_be_visible()
    page.get_by_label("Tanggal").fill("2026-12-31")
    page.get_by_label("Keterangan").fill("Cuti Bersama Akhir Tahun")
    with page.expect_navigation():
        page.get_by_role("button", name="Tambah hari libur").click()
    expect(page.get_by_text("Hari libur ditambahkan")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Cuti Bersama Akhir Tahun"))).to_contain_text("Ditambahkan admin")
    snap("admin-kalender")


def test_wrong_password_shows_the_indonesian_error(page, live_server, demo_accounts, sign_in, snap):
    sign_in("ketua", "bukan-sandinya")

    expect(page).to_have_url(live_server("/akun/masuk"))
    expect(page.get_by_role("alert")).to_have_text("Nama pengguna atau kata sandi salah.")
    expect(page.get_by_label("Nama pengguna")).to_have_value("ketua")
    expect(page.get_by_label("Kata sandi")).to_have_value("")
    assert page.get_by_role("navigation", name="Menu utama").count() == 0
    snap("masuk-gagal")


def test_logout_ends_the_session(page, live_server, demo_accounts, sign_in):
    sign_in("lsp1")
    panel = _open_user_menu(page, "Lina Admin LSP Teknologi Digital")

    with page.expect_navigation():
        panel.get_by_role("button", name="Keluar").click()

    expect(page).to_have_url(live_server("/akun/masuk"))
    expect(page.get_by_text("Anda telah keluar.")).to_be_visible()
    page.goto("/admin/kalender/")
    expect(page).to_have_url(re.compile(r"/akun/masuk\?next=(/|%2F)admin(/|%2F)kalender"))
    assert page.get_by_role("navigation", name="Menu utama").count() == 0


def test_public_pages_render_without_csp_violations(page, live_server, snap):
    assert page.goto("/").status == 200
    expect(page.get_by_role("link", name="Daftarkan lembaga")).to_be_visible()
    snap("landing")
    assert page.goto("/akun/masuk").status == 200
    snap("masuk")
    assert page.goto("/akun/daftar").status == 200
    expect(page.get_by_label("Nama lembaga")).to_be_visible()
    snap("daftar")
    response = page.goto("/tidak-ada-halaman-ini")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Tidak ditemukan")
    snap("404")


def test_the_page_fixture_catches_csp_violations_and_missing_assets(page, page_problems, live_server):
    # The guard every other test relies on: inline code and a missing stylesheet must be reported.
    page.route(live_server("/uji-csp"), lambda route: route.fulfill(
        status=200, content_type="text/html",
        headers={"Content-Security-Policy": "default-src 'self'; style-src 'self'; script-src 'self'"},
        body='<!doctype html><link rel="stylesheet" href="/static/css/tidak-ada.css">'
             '<p style="color:red">x</p><script>document.title = "x"</script>'))
    page.goto("/uji-csp")

    problems = page_problems.collected()
    assert any("style-src" in p for p in problems), problems
    assert any("script-src" in p for p in problems), problems
    assert any("tidak-ada.css" in p for p in problems), problems
    page_problems.clear()
