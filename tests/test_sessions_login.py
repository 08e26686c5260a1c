"""Server-side sessions (logout and password change end them for good), CSRF rotation at login,
and login throttling that counts every attempt before the password is checked."""
from __future__ import annotations

from tests.conftest import TEST_PASSWORD, login, make_user


def _cookie(client, app) -> str:
    """The raw session cookie, as an attacker who copied it would hold it."""
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    assert cookie is not None
    return cookie.value


def _client_with_cookie(app, value: str):
    other = app.test_client()
    other.set_cookie(app.config.get("SESSION_COOKIE_NAME", "session"), value)
    return other


def test_a_copied_session_cookie_stops_working_after_logout(app, db, login_as):
    client = login_as("cs")
    stolen = _cookie(client, app)
    assert _client_with_cookie(app, stolen).get("/beranda").status_code == 200
    assert client.post("/akun/keluar").status_code == 302
    replay = _client_with_cookie(app, stolen).get("/beranda")
    assert replay.status_code == 302 and "/akun/masuk" in replay.headers["Location"]


def test_password_change_ends_every_other_session_and_copies_of_this_one(app, db, login_as):
    client = login_as("cs")
    other_device = app.test_client()
    login(other_device, client.user.username)
    stolen = _cookie(client, app)
    response = client.post("/akun/kata-sandi", data={
        "current": TEST_PASSWORD, "new": "Gunung-Rinjani-2026", "confirm": "Gunung-Rinjani-2026"})
    assert response.status_code == 302
    assert client.get("/beranda").status_code == 200  # this browser continues
    assert other_device.get("/beranda").status_code == 302
    assert _client_with_cookie(app, stolen).get("/beranda").status_code == 302


def test_csrf_token_changes_at_login(app, db):
    make_user("rotasi_csrf", ["cs"])
    client = app.test_client()
    client.get("/akun/masuk")
    before = client.csrf_token()
    login(client, "rotasi_csrf")
    after = client.csrf_token()
    assert after != before
    # A token planted before login (session fixation of the CSRF token) is refused afterwards.
    response = client.post("/akun/keluar", csrf=before)
    assert response.status_code == 400


# --- login throttling -----------------------------------------------------------------------

def test_parallel_guesses_never_get_more_password_checks_than_the_limit(app, db, tmp_path, monkeypatch):
    """Twelve guesses at once, from two "workers" (app instances on one database): at most
    LOGIN_MAX_FAILURES of them reach the password check, the rest are refused as locked."""
    import threading

    from argon2 import PasswordHasher

    from portal import create_app

    checked: list[str] = []
    real_verify = PasswordHasher.verify

    def counting_verify(self, hash, password):
        checked.append(password)
        return real_verify(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting_verify)

    make_user("paralel", ["cs"])
    settings = {"TESTING": True, "DATABASE_URL": app.config["DATABASE_URL"],
                "STORAGE_DIR": str(tmp_path / "s"), "MAIL_OUTBOX_DIR": str(tmp_path / "o"),
                # A real argon2 cost, so the guesses truly overlap while the hash is computed.
                "ARGON2_TIME_COST": 2, "ARGON2_MEMORY_COST": 16384}
    workers = [create_app(settings), create_app(settings)]
    for worker in workers:
        worker.test_client_class = type(app.test_client())
    guesses = 12
    barrier = threading.Barrier(guesses)
    codes: list[int] = []

    def guess(i: int) -> None:
        client = workers[i % 2].test_client()
        barrier.wait()
        response = client.post("/akun/masuk", data={"username": "paralel", "password": f"tebak-{i}"},
                               environ_base={"REMOTE_ADDR": f"10.9.0.{i}"})
        codes.append(response.status_code)

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(guesses)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for worker in workers:
        with worker.app_context():
            from portal.extensions import db as ext_db
            ext_db.engine.dispose()
    assert len(codes) == guesses
    assert len(checked) <= app.config["LOGIN_MAX_FAILURES"]
    assert codes.count(401) <= app.config["LOGIN_MAX_FAILURES"]
    assert codes.count(429) >= guesses - app.config["LOGIN_MAX_FAILURES"]


def test_one_client_is_limited_without_locking_out_the_accounts_it_guessed(app, db):
    make_user("korban", ["cs"])
    attacker = {"REMOTE_ADDR": "10.66.0.1"}
    client = app.test_client()
    for i in range(app.config["LOGIN_CLIENT_MAX_FAILURES"]):
        response = client.post("/akun/masuk", data={"username": f"tebak{i}", "password": "x"},
                               environ_base=attacker)
        assert response.status_code == 401
    for _ in range(app.config["LOGIN_MAX_FAILURES"] + 2):
        refused = client.post("/akun/masuk", data={"username": "korban", "password": "x"},
                              environ_base=attacker)
        assert refused.status_code == 429
        assert "dari alamat Anda" in refused.get_data(as_text=True)
    # Even the right password is refused from that client ...
    assert client.post("/akun/masuk", data={"username": "korban", "password": TEST_PASSWORD},
                       environ_base=attacker).status_code == 429
    # ... while the account itself is not locked for its owner elsewhere.
    owner = app.test_client()
    assert owner.post("/akun/masuk", data={"username": "korban", "password": TEST_PASSWORD},
                      environ_base={"REMOTE_ADDR": "10.1.1.1"}).status_code == 302


def test_unknown_user_costs_the_same_argon2_check_as_a_known_one(app, db, monkeypatch):
    from argon2 import PasswordHasher

    make_user("dikenal", ["cs"])
    calls: list[str] = []
    real_verify = PasswordHasher.verify

    def counting_verify(self, hash, password):
        calls.append(hash[:9])
        return real_verify(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting_verify)
    client = app.test_client()
    client.post("/akun/masuk", data={"username": "dikenal", "password": "salah-sekali"})
    known = list(calls)
    calls.clear()
    response = client.post("/akun/masuk", data={"username": "tidak-ada-orangnya", "password": "salah-sekali"})
    assert known == ["$argon2id"] and calls == ["$argon2id"]
    assert "Nama pengguna atau kata sandi salah" in response.get_data(as_text=True)


def test_a_session_ends_after_its_lifetime(app, db, login_as):
    from datetime import timedelta

    from portal.accounts.models import UserSession

    client = login_as("cs")
    assert client.get("/beranda").status_code == 200
    for row in db.session.query(UserSession):
        row.created_at = row.created_at - timedelta(hours=app.config["SESSION_MAX_HOURS"] + 1)
    db.session.commit()
    assert client.get("/beranda").status_code == 302
