"""Fixtures for browser tests: the test app served on a free local port, Debian's chromium driven by
Playwright, and a page that fails its test on any console error, CSP violation, script error, broken
asset or server-side exception.

Mark every browser test with ``@pytest.mark.browser``. Screenshots go to ``$PORTAL_SCREENSHOT_DIR``
when it is set (to look at them), otherwise to pytest's temporary directory.
"""
from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import pytest
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
# Debian's chromium, never a browser downloaded by `playwright install`; no calls home.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
DESKTOP = {"width": 1366, "height": 800}
PHONE = {"width": 390, "height": 844}
FAILED_LOAD = "Failed to load resource: the server responded with a status of"


@dataclass
class LiveServer:
    """The test app on http://127.0.0.1:<free port>; ``errors`` lists exceptions raised by views."""

    url: str
    errors: list[str] = field(default_factory=list)

    def __call__(self, path: str = "/") -> str:
        return self.url + path


@pytest.fixture(scope="package")
def live_server(app) -> Iterator[LiveServer]:
    server_info = LiveServer(url="")

    def wsgi(environ, start_response):
        # With TESTING, Flask propagates view exceptions; note them so the test fails on them
        # even when the page the browser got (a bare 500) looks like any other.
        try:
            return app(environ, start_response)
        except Exception as exc:
            server_info.errors.append(f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}: {exc!r}")
            raise

    werkzeug_log = logging.getLogger("werkzeug")
    old_level = werkzeug_log.level
    werkzeug_log.setLevel(logging.WARNING)  # no line per request; errors still show
    # Threaded: chromium opens several connections at once and keeps some idle.
    server = make_server("127.0.0.1", 0, wsgi, threaded=True)
    server_info.url = f"http://127.0.0.1:{server.port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              name="live-server", daemon=True)
    thread.start()
    try:
        yield server_info
    finally:
        server.shutdown()  # serve_forever() closes the listening socket on its way out
        thread.join(timeout=10)
        werkzeug_log.setLevel(old_level)


# Package scope: Playwright's sync API keeps an asyncio loop running in the main thread while it
# is started, so `asyncio.run()` in later (non-browser) tests would fail; stop it after this package.
@pytest.fixture(scope="package")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class PageProblems:
    """Collects what a user would see as a broken page: console errors (CSP violations included),
    uncaught script errors, failed assets (CSS, JS, images, fonts) and server exceptions."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self._server_errors_seen = len(server.errors)
        self._console: list[tuple[str, str]] = []
        self._other: list[str] = []
        self._answered: set[str] = set()

    def attach(self, page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self._other.append(f"script error: {error}"))
        page.on("response", self._on_response)
        page.on("requestfailed", self._on_request_failed)

    def _on_console(self, message) -> None:
        if message.type == "error":
            self._console.append((message.text, message.location.get("url", "")))

    def _on_response(self, response) -> None:
        kind = response.request.resource_type
        if kind == "document" or (kind in ("xhr", "fetch") and response.status < 500):
            # Pages and HTMX answers (403, 404, 422...) are the app speaking; the tests check them.
            self._answered.add(response.url)
        elif response.status >= 400:
            self._other.append(f"{response.status} for {kind} {response.url}")

    def _on_request_failed(self, request) -> None:
        # ERR_ABORTED: a navigation replaced the page while something was still loading.
        if request.failure != "net::ERR_ABORTED":
            self._other.append(f"request failed ({request.failure}): {request.url}")

    def collected(self) -> list[str]:
        problems = list(self._other)
        # An autosave cancelled on purpose by the form's submission (hx-sync="closest form:abort"):
        # htmx logs the abort and the request's end as errors; the page is not broken by it.
        aborts = sum(text.startswith("htmx:sendAbort") for text, _url in self._console)
        for text, url in self._console:
            # Chromium logs every 4xx/5xx answer as a console error; see _on_response.
            if text.startswith(FAILED_LOAD) and url in self._answered:
                continue
            if text.startswith("htmx:sendAbort") or (aborts and text.startswith("htmx:afterRequest")):
                continue
            problems.append(f"console error: {text} ({url})")
        problems += [f"server error: {e}" for e in self.server.errors[self._server_errors_seen:]]
        return problems

    def clear(self) -> None:
        self._console.clear()
        self._other.clear()
        self._server_errors_seen = len(self.server.errors)


@pytest.fixture()
def page_problems(live_server) -> PageProblems:
    return PageProblems(live_server)


@pytest.fixture()
def page(browser, live_server, page_problems):
    """A fresh browser context (no cookies) at desktop size, in Indonesian and WIB."""
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP,
                                  locale="id-ID", timezone_id="Asia/Jakarta")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page_problems.attach(page)
    try:
        yield page
    finally:
        context.close()
    problems = page_problems.collected()
    if problems:
        pytest.fail("the browser saw broken pages:\n  " + "\n  ".join(problems), pytrace=False)


@pytest.fixture()
def demo_accounts(db) -> list[str]:
    """The demo accounts of `flask seed-demo` (password demo12345), wiped after the test."""
    from portal.cli import DEMO_ACCOUNTS, seed_demo_accounts

    seed_demo_accounts()
    db.session.commit()
    return list(DEMO_ACCOUNTS)


@pytest.fixture()
def sign_in(page) -> Callable[..., None]:
    """sign_in("ketua") logs in through the real login form and waits for the page after it."""
    from portal.cli import DEMO_PASSWORD

    def _sign_in(username: str, password: str = DEMO_PASSWORD) -> None:
        page.goto("/akun/masuk")
        page.get_by_label("Nama pengguna").fill(username)
        page.get_by_label("Kata sandi").fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="Masuk").click()

    return _sign_in


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory) -> Path:
    configured = os.environ.get("PORTAL_SCREENSHOT_DIR")
    if configured:
        path = Path(configured)
        path.mkdir(parents=True, exist_ok=True)
        return path
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture()
def snap(page, screenshot_dir) -> Callable[[str], list[Path]]:
    """snap("beranda-ketua") saves full-page screenshots at desktop and phone width, and fails if
    the page scrolls sideways on the phone (wide tables and the menu must scroll inside themselves)."""

    def _snap(name: str) -> list[Path]:
        saved = []
        for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{name}: the page is {overflow}px wider than a {label} screen"
            path = screenshot_dir / f"{name}-{label}.png"
            page.screenshot(path=str(path), full_page=True)
            saved.append(path)
        page.set_viewport_size(DESKTOP)
        return saved

    return _snap
