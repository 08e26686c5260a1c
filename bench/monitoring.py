"""Letter monitoring and search at scale: seeds N letters (default 100,000) and measures
``GET /surat/monitoring`` and ``GET /surat/`` (search) with their filters.

    python bench/monitoring.py [--database-url URL | --sqlite] [--letters 100000] [--repeat 20]
                               [--small-letters 1000]

PostgreSQL by default (``$BENCH_DATABASE_URL``, else ``postgresql://postgres@127.0.0.1:5432/test``)
in a fresh schema that is dropped at the end. Seeding uses bulk Core inserts: letters of the three
mail flows (SM 60 %, SKS 33 %, SKA 7 %) over five years, 85 % finished with their done steps, the
rest running with one open step due in the past, today or later; a few secret ones. The first
request fills the derived SLA rows (letter_sla) for every letter — reported on its own line, as it
happens once after the migration — then each variant is requested `--repeat` times through the
Flask test client as a user logged in through the login form: server time around the request and
the SQL statements counted with a ``before_cursor_execute`` listener. The same variants then run on
a small seed to show the query count does not depend on the number of rows.

The last line reads ``monitoring_ms=<worst median> queries=<n> letters=<n>``.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import event, insert, text  # noqa: E402

from inbox import PASSWORD, QueryLog, fresh_database, logged_in_client, make_app  # noqa: E402
from portal.cases.engine import role_mask  # noqa: E402
from portal.cases.models import Case, WorkItem  # noqa: E402
from portal.core.dates import utcnow  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.flows.registry import FLOWS  # noqa: E402

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
GOAL_MS = 100.0
WEIGHTS = (("SM", 0.60), ("SKS", 0.33), ("SKA", 0.07))
SENDERS = ("Kementerian Ketenagakerjaan", "Kementerian Perindustrian", "Dinas Tenaga Kerja DKI Jakarta",
           "Kamar Dagang dan Industri", "Asosiasi Profesi Konstruksi", "Politeknik Negeri Bandung")
TOPICS = ("undangan rapat koordinasi", "laporan kegiatan triwulan", "permohonan narasumber",
          "klarifikasi pengaduan", "usulan skema sertifikasi", "pemberitahuan")
VARIANTS = (
    ("monitoring", "/surat/monitoring"),
    ("monitoring ?sla=terlambat", "/surat/monitoring?sla=terlambat"),
    ("monitoring ?sla=berisiko", "/surat/monitoring?sla=berisiko"),
    ("monitoring ?alur=SKS&status=berjalan", "/surat/monitoring?alur=SKS&status=berjalan"),
    ("monitoring ?page=200", "/surat/monitoring?page=200"),
    ("search ?q=<sender word>", "/surat/?q=Perindustrian"),
    ("search ?q=<agenda number>", "/surat/?q=SM-00000500"),
    ("search ?dari=..&sampai=..", "/surat/?dari={since}&sampai={until}"),
)


def seed(n: int, rng: random.Random) -> None:
    from portal.accounts.services import create_user
    from portal.calendar.services import seed_default_holidays

    now = utcnow()
    seed_default_holidays(list(range(now.year - 5, now.year + 2)))
    create_user("bench_kasek", "Bench Kasek", "bench_kasek@bench.test", PASSWORD, ["kasek"])
    create_user("bench_phu", "Bench PHU", "bench_phu@bench.test", PASSWORD, ["phu"])
    db.session.commit()
    work_id = 1
    for offset in range(0, n, 5000):
        cases, works = [], []
        for i in range(offset + 1, min(n, offset + 5000) + 1):
            flow_code = rng.choices([f for f, _ in WEIGHTS], [w for _, w in WEIGHTS])[0]
            flow = FLOWS[flow_code]
            created = now - timedelta(days=5 * 365 * (n - i) / n, minutes=rng.randint(0, 600))
            running = rng.random() < 0.15 or created > now - timedelta(days=3)
            steps = [s for s in flow.steps if not s.automatic]
            done = steps if not running else steps[:rng.randint(0, len(steps) - 1)]
            at = created
            for step in done:
                due = at + timedelta(days=1)
                finished = min(now, at + timedelta(hours=rng.choice((2, 5, 20, 30))))
                works.append(dict(id=work_id, case_id=i, flow_code=flow_code, step_key=step.key,
                                  role_mask=role_mask(step.roles), state="done", ready_at=at, due_at=due,
                                  completed_at=finished, action_key="submit"))
                work_id += 1
                at = finished
            if running:
                step = steps[len(done)]
                works.append(dict(id=work_id, case_id=i, flow_code=flow_code, step_key=step.key,
                                  role_mask=role_mask(step.roles), state="open", ready_at=at,
                                  due_at=now + timedelta(hours=rng.choice((-30, -2, 3, 40, 100))),
                                  completed_at=None, action_key=None))
                work_id += 1
            sifat = "rahasia" if rng.random() < 0.01 else rng.choice(("biasa", "biasa", "segera"))
            cases.append(dict(
                id=i, number=f"{flow_code}-{i:08d}", flow_code=flow_code, title=rng.choice(TOPICS).capitalize(),
                created_at=created, updated_at=at, closed_at=None if running else at,
                state="berjalan" if running else "selesai", active_steps=[], flags=[], version=1,
                data={"sifat": sifat, "sender": rng.choice(SENDERS), "agenda_number": f"SM-{i:08d}",
                      "their_number": f"{i}/BENCH/{created.year}"}))
        db.session.execute(insert(Case.__table__), cases)
        db.session.execute(insert(WorkItem.__table__), works)
        db.session.commit()


def measure(app, log: QueryLog, repeat: int) -> tuple[list[tuple[str, float, str, float]], float]:
    today = utcnow().date()
    client = logged_in_client(app, "bench_kasek")
    start = time.perf_counter()
    first = client.get("/surat/monitoring")
    fill_seconds = time.perf_counter() - start
    assert first.status_code == 200, first.status_code
    # Fresh planner statistics, as autovacuum keeps them on a running server.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if conn.dialect.name == "postgresql" else "ANALYZE"))
    rows = []
    for label, path in VARIANTS:
        path = path.format(since=(today - timedelta(days=400)).isoformat(), until=(today - timedelta(days=300)).isoformat())
        client.get(path)  # warm-up
        times, sql, counts = [], [], set()
        for _ in range(repeat):
            with log.recording() as statements:
                start = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (path, response.status_code)
            sql.append(log.sql_seconds * 1000)
            counts.add(len(statements))
        rows.append((label, statistics.median(times), "/".join(map(str, sorted(counts))), statistics.median(sql)))
    return rows, fill_seconds


def run(base_url: str | None, letters: int, repeat: int, workdir: Path, tag: str):
    with fresh_database(base_url, workdir, tag) as url:
        app = make_app(url, workdir)
        log = QueryLog()
        with app.app_context():
            started = time.perf_counter()
            seed(letters, random.Random(1516))
            seeded = time.perf_counter() - started
            engine = db.engine
            event.listen(engine, "before_cursor_execute", log)
            event.listen(engine, "after_cursor_execute", log.finished)
            try:
                rows, fill = measure(app, log, repeat)
            finally:
                event.remove(engine, "before_cursor_execute", log)
                event.remove(engine, "after_cursor_execute", log.finished)
                db.session.remove()
                engine.dispose()
    return rows, seeded, fill


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG))
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--letters", type=int, default=100_000)
    parser.add_argument("--small-letters", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    base = None if args.sqlite else args.database_url
    with tempfile.TemporaryDirectory(prefix="bench-monitoring-") as tmp:
        results = {}
        for n in (args.letters, args.small_letters):
            if n:
                rows, seeded, fill = run(base, n, args.repeat, Path(tmp), f"m{n}")
                results[n] = rows
                print(f"\n{n:,} letters (seeded in {seeded:.1f} s; first view filled letter_sla in {fill:.1f} s)")
                print(f"{'variant':40} {'median ms':>10} {'sql ms':>7} {'queries':>8}")
                for label, median, queries, sql_ms in rows:
                    print(f"{label:40} {median:10.1f} {sql_ms:7.1f} {queries:>8}")
    big = results[args.letters]
    worst = max(r[1] for r in big)
    if args.small_letters:
        same = [r[2] for r in big] == [r[2] for r in results[args.small_letters]]
        print(f"\nquery counts equal at {args.small_letters:,} and {args.letters:,} letters: {same}")
    print(f"goal < {GOAL_MS:.0f} ms: {'met' if worst < GOAL_MS else 'NOT met'}")
    print(f"monitoring_ms={worst:.1f} queries={big[0][2]} letters={args.letters}")
    return 0 if worst < GOAL_MS else 1


if __name__ == "__main__":
    sys.exit(main())
