"""Login timing: a wrong password for an existing user and any password for an unknown user must
cost the same (the dummy argon2 check), so usernames cannot be found by timing.

    python bench/login_timing.py               # production argon2 cost, a temporary SQLite file
    python bench/login_timing.py --repeat 40

Prints the median and 90th percentile server time of both kinds of failed login, and one summary
line: ``login_timing known_ms=… unknown_ms=… ratio=…``.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal import create_app  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        app = create_app({"DATABASE_URL": f"sqlite:///{workdir}/bench.sqlite3", "SECRET_KEY": "bench",
                          "STORAGE_DIR": f"{workdir}/storage", "MAIL_OUTBOX_DIR": f"{workdir}/outbox",
                          # Production argon2 cost (config defaults), and no lock getting in the way.
                          "LOGIN_MAX_FAILURES": 10 ** 6, "LOGIN_CLIENT_MAX_FAILURES": 10 ** 6})
        from portal.accounts.services import create_user
        from portal.extensions import db

        with app.app_context():
            db.create_all()
            create_user("ada_orangnya", "Ada Orangnya", "ada@bench.test", "Sandi-Bench-Yang-Kuat-1", ["cs"])
            db.session.commit()
        client = app.test_client()
        with client.session_transaction() as session:
            session["_csrf"] = "bench-token"
        times: dict[str, list[float]] = {"known": [], "unknown": []}
        for i in range(args.repeat):
            for kind, username in (("known", "ada_orangnya"), ("unknown", f"tidak_ada_{i}")):
                started = time.perf_counter()
                response = client.post("/akun/masuk", data={"username": username, "password": "salah-sekali"},
                                       headers={"X-CSRFToken": "bench-token"})
                times[kind].append((time.perf_counter() - started) * 1000)
                assert response.status_code == 401, response.status_code
        print(f"{'failed login':<22}{'median ms':>10}{'p90 ms':>10}")
        for kind, values in times.items():
            p90 = sorted(values)[int(len(values) * 0.9) - 1]
            print(f"{kind + ' user':<22}{statistics.median(values):>10.1f}{p90:>10.1f}")
        known, unknown = statistics.median(times["known"]), statistics.median(times["unknown"])
        print(f"login_timing known_ms={known:.1f} unknown_ms={unknown:.1f} ratio={unknown / known:.2f}")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
