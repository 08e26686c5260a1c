"""Kotak Kerja at scale: seeds N cases (default 100,000; issue 16: 1,000,000) and measures
``GET /kotak-kerja``.

    python bench/inbox.py [--database-url URL | --sqlite] [--cases 100000] [--repeat 30]
                          [--small-cases 1000]

The database is PostgreSQL by default (``$BENCH_DATABASE_URL``, else
``postgresql://postgres@127.0.0.1:5432/test``), in a fresh schema the script creates and drops;
``--sqlite`` uses a temporary SQLite file instead. Seeding is bulk SQL, never the engine: rows built
as plain tuples and loaded with COPY on PostgreSQL (bench/bulk.py; executemany on SQLite): cases
spread over the six flows and six years, most closed with their done work items, a good share still
open with 1–3 open work items each (real steps and role masks, due times past / today / future /
none, named assignees where the step names one). A million cases take a few minutes.

The requests go through the Flask test client as users logged in through the real login form
(a role's inbox, a Kasek's, an LSP's, an assessor's own assigned items, filters, searches, paging,
HTMX fragments); the time is measured around each request (server side: routing, queries,
template), the SQL count with a ``before_cursor_execute`` listener. The same variants are then run
against a small seed (``--small-cases``) to show the query count does not depend on the number of
rows. The plans of the default inbox's work-item queries are printed once.

Goal (issue 16): every variant under 50 ms. The last line reads
``inbox_ms=<median of the default inbox> worst_ms=<slowest variant's median> queries=<n> cases=<n>``.
"""
from __future__ import annotations

import argparse
import math
import os
import random
import re
import secrets
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bulk  # noqa: E402

from flask import Flask
from sqlalchemy import event, insert, text

from portal import create_app
from portal.accounts.models import Organisation, User, UserRole
from portal.cases.engine import OUTCOME_STATE, role_mask
from portal.cases.models import Case, CaseItem, WorkItem
from portal.core.csrf import SESSION_KEY
from portal.core.scratch import scratch_schema
from portal.core.dates import WIB, utcnow
from portal.extensions import db
from portal.flows.definition import END_OK, END_REJECTED, END_WITHDRAWN, Flow, Step
from portal.flows.registry import FLOWS

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
PASSWORD = "bench-only-password-123"
CHUNK = 5_000  # cases per bulk insert round
GOAL_MS = 50.0  # every variant (issue 16: a million cases)

# Share of cases per flow: incoming mail dominates, then outgoing letters and licensing.
FLOW_WEIGHTS = {"SM": 0.34, "SKS": 0.20, "SKA": 0.05, "RCC": 0.12, "ASKOM": 0.09, "LIS": 0.20}
OPEN_SHARE = 0.15
# Closed cases end like this (selesai most of the time).
OUTCOMES = ((END_OK, 0.85), (END_REJECTED, 0.10), (END_WITHDRAWN, 0.05))
LSP_FLOWS = {"RCC", "ASKOM", "LIS"}
TOPICS = ("permohonan informasi skema", "undangan rapat koordinasi", "laporan kegiatan triwulan",
          "permohonan narasumber", "penyampaian data pemegang sertifikat", "klarifikasi pengaduan",
          "perpanjangan lisensi", "verifikasi TUK", "usulan skema sertifikasi", "pemberitahuan")
SENDERS = ("Kementerian Ketenagakerjaan", "Kementerian Perindustrian", "Dinas Tenaga Kerja DKI Jakarta",
           "Kamar Dagang dan Industri", "Asosiasi Profesi Konstruksi", "Politeknik Negeri Bandung")

# Named-actor pools: who a step that names a person gets assigned to.
POOLS = {"ma_penguji": 8, "ma_pelatih": 6, "asesor_lisensi": 12, "peserta": 40,
         "kasek": 2, "ketua": 1, "staf_lisensi": 5, "staf_sertifikasi": 5, "phu": 3, "kabag": 2, "cs": 2}


@dataclass
class Variant:
    label: str
    user: str  # login name
    path: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Result:
    variant: Variant
    times_ms: list[float]
    queries: list[int]
    total: str
    sql_ms: list[float] = field(default_factory=list)  # time inside the database calls

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times_ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    @property
    def query_text(self) -> str:
        counts = sorted(set(self.queries))
        return str(counts[0]) if len(counts) == 1 else "/".join(map(str, counts))


def variants(year: int, found_number: str) -> list[Variant]:
    """The default inbox first: the summary line is about it. The two searches with a case number
    are the issue's example (usually no open work) and a number in the inbox (a hit)."""
    fragment = {"HX-Request": "true", "HX-Target": "inbox-list"}
    return [
        Variant("default (staf_lisensi)", "bench_staf_lisensi", "/kotak-kerja"),
        Variant("?alur=LIS", "bench_staf_lisensi", "/kotak-kerja?alur=LIS"),
        Variant("?status=terlambat", "bench_staf_lisensi", "/kotak-kerja?status=terlambat"),
        Variant("?status=hari_ini", "bench_staf_lisensi", "/kotak-kerja?status=hari_ini"),
        Variant(f"?q=LIS-{year}-0001", "bench_staf_lisensi", f"/kotak-kerja?q=LIS-{year}-0001"),
        Variant("?q=<number in inbox>", "bench_staf_lisensi", f"/kotak-kerja?q={found_number}"),
        Variant("?q=<title word>", "bench_staf_lisensi", "/kotak-kerja?q=koordinasi"),
        Variant("?page=3", "bench_staf_lisensi", "/kotak-kerja?page=3"),
        Variant("HTMX fragment", "bench_staf_lisensi", "/kotak-kerja", fragment),
        Variant("HTMX ?alur=SM&page=2", "bench_staf_lisensi", "/kotak-kerja?alur=SM&page=2", fragment),
        Variant("default (kasek)", "bench_kasek", "/kotak-kerja"),
        Variant("default (lsp)", "bench_lsp", "/kotak-kerja"),
        Variant("default (asesor: own items)", "bench_asesor", "/kotak-kerja"),
    ]


# --- database ------------------------------------------------------------------------------------

@contextmanager
def fresh_database(base_url: str | None, workdir: Path, tag: str) -> Iterator[str]:
    """A new PostgreSQL schema (dropped afterwards) or a new SQLite file for one seed."""
    if base_url is None:
        yield f"sqlite:///{workdir / f'inbox-{tag}.sqlite3'}"
        return
    url, drop = scratch_schema(base_url, f"bench_inbox_{tag}")
    try:
        yield url
    finally:
        drop()


def make_app(url: str, workdir: Path) -> Flask:
    app = create_app({
        "TESTING": True,
        "DATABASE_URL": url,
        "STORAGE_DIR": str(workdir / "storage"),
        "MAIL_OUTBOX_DIR": str(workdir / "outbox"),
    })
    with app.app_context():
        db.create_all()
    return app


# --- seeding -------------------------------------------------------------------------------------

@dataclass
class SeedStats:
    cases: int = 0
    open_cases: int = 0
    work_items: int = 0
    open_work_items: int = 0
    case_items: int = 0
    seconds: float = 0.0
    found_number: str = ""


class Seeder:
    """Builds rows as plain dicts and inserts them in chunks (Core executemany, no ORM objects)."""

    def __init__(self, n_cases: int, rng: random.Random, now: datetime) -> None:
        self.n = n_cases
        self.rng = rng
        self.now = now
        self.stats = SeedStats()
        self.human_steps = {code: [s for s in flow.steps if not s.automatic] for code, flow in FLOWS.items()}
        self.masks = {(code, s.key): role_mask(s.roles) for code, flow in FLOWS.items() for s in flow.steps}
        self.pool: dict[str, list[int]] = {}
        self.org_ids: list[int] = []
        self.next_work_id = 1
        self.next_item_id = 1
        self.sequence: defaultdict[tuple[str, int], int] = defaultdict(int)
        self.found_number = ""  # a case number that is in staf_lisensi's inbox: the search hit

    def run(self) -> SeedStats:
        start = time.perf_counter()
        self._people()
        schedule = self._schedule()
        for offset in range(0, len(schedule), CHUNK):
            self._insert_chunk(schedule[offset:offset + CHUNK], first_id=offset + 1)
        db.session.commit()
        self._finish()
        self.stats.found_number = self.found_number
        self.stats.seconds = time.perf_counter() - start
        return self.stats

    def _people(self) -> None:
        from portal.accounts.services import create_user
        from portal.calendar.services import seed_default_holidays

        seed_default_holidays(list(range(2021, self.now.year + 2)))
        orgs = [{"id": i, "name": f"LSP Bench {i:03d}", "kind": "lsp", "email": f"lsp{i}@bench.test",
                 "created_at": self.now} for i in range(1, 301)]
        db.session.execute(insert(Organisation.__table__), orgs)
        self.org_ids = [o["id"] for o in orgs]
        # The three accounts the benchmark logs in with, through the real account service.
        for username, roles, org_id in (("bench_staf_lisensi", ["staf_lisensi"], None),
                                        ("bench_kasek", ["kasek"], None), ("bench_lsp", ["lsp"], 1),
                                        ("bench_asesor", ["asesor_lisensi"], None)):
            org = db.session.get(Organisation, org_id) if org_id else None
            user = create_user(username, username.replace("_", " ").title(), f"{username}@bench.test",
                               PASSWORD, roles, organisation=org)
            self.pool.setdefault(roles[0], []).append(user.id)
        # Everyone else only appears as an assignee: inserted in bulk with an unusable password.
        users, roles_rows = [], []
        next_id = 1000
        for role, count in POOLS.items():
            for i in range(count):
                users.append({"id": next_id, "username": f"{role}_{i}", "full_name": f"{role} {i}",
                              "email": f"{role}{i}@bench.test", "password_hash": "!", "is_enabled": True,
                              "email_confirmed_at": self.now, "created_at": self.now, "session_version": 1})
                roles_rows.append({"user_id": next_id, "role": role})
                self.pool.setdefault(role, []).append(next_id)
                next_id += 1
        db.session.execute(insert(User.__table__), users)
        db.session.execute(insert(UserRole.__table__), roles_rows)

    def _schedule(self) -> list[tuple[datetime, str, bool]]:
        """(created_at, flow, open) per case, oldest first so numbers follow time."""
        rng, now = self.rng, self.now
        codes, weights = list(FLOW_WEIGHTS), list(FLOW_WEIGHTS.values())
        start = datetime(2021, 8, 1, tzinfo=UTC)  # the decree's first month
        closed_span = (now - timedelta(days=20) - start).total_seconds()
        rows = []
        for flow in rng.choices(codes, weights, k=self.n):
            if rng.random() < OPEN_SHARE:
                rows.append((now - timedelta(seconds=rng.uniform(3600, 120 * 86400)), flow, True))
            else:
                rows.append((start + timedelta(seconds=rng.uniform(0, closed_span)), flow, False))
        rows.sort(key=lambda row: row[0])
        return rows

    def _insert_chunk(self, schedule: list[tuple[datetime, str, bool]], first_id: int) -> None:
        cases, works, items = [], [], []
        for case_id, (created, code, is_open) in enumerate(schedule, start=first_id):
            flow = FLOWS[code]
            year = created.astimezone(WIB).year
            self.sequence[(code, year)] += 1
            org_id = self._organisation(code)
            case = {
                "id": case_id, "number": flow.case_number(self.sequence[(code, year)], year),
                "flow_code": code, "title": self._title(code, org_id), "organisation_id": org_id,
                "created_by_id": None, "created_at": created, "updated_at": created, "closed_at": None,
                "state": "berjalan", "outcome": None, "active_steps": [], "flags": [], "data": {},
                "version": 1,
            }
            history = self.human_steps[code]
            if is_open:
                open_steps = self.rng.sample(history, k=min(len(history), self.rng.choice((1, 1, 1, 2, 2, 3))))
                before = history[:min(history.index(s) for s in open_steps)]
                works += self._done(case_id, code, before, created)
                for step in open_steps:
                    works.append(self._open(case_id, flow, step, created, items))
                    works[-1]["search_text"] = f"{case['number']} | {case['title']}".lower()
                    if "staf_lisensi" in step.roles and works[-1]["assignee_id"] is None:
                        self.found_number = case["number"]
                case["active_steps"] = sorted(s.key for s in open_steps)
                case["version"] = len(before) + 1
                self.stats.open_cases += 1
            else:
                done = history[:self.rng.randint(2, min(6, len(history)))]
                works += self._done(case_id, code, done, created)
                outcome = self.rng.choices([o for o, _ in OUTCOMES], [w for _, w in OUTCOMES])[0]
                closed = created + timedelta(days=self.rng.uniform(1, 15))
                case.update(state=OUTCOME_STATE[outcome], outcome=outcome, closed_at=closed, updated_at=closed,
                            version=len(done) + 1)
            cases.append(case)
        bulk.load(db.session, Case.__table__, cases)
        bulk.load(db.session, CaseItem.__table__, items)
        bulk.load(db.session, WorkItem.__table__, works)
        self.stats.cases += len(cases)
        self.stats.work_items += len(works)
        self.stats.case_items += len(items)

    def _organisation(self, code: str) -> int | None:
        if code not in LSP_FLOWS:
            return None
        # The benchmark's LSP (id 1) is a busy one: 2% of the LSP cases, the rest spread over 299.
        return self.rng.choice(self.org_ids[1:]) if self.rng.random() < 0.98 else 1

    def _title(self, code: str, org_id: int | None) -> str:
        topic = self.rng.choice(TOPICS)
        if code == "SM":
            return f"Surat {self.rng.choice(SENDERS)} perihal {topic}"
        if code in ("SKS", "SKA"):
            return f"Surat keluar kepada {self.rng.choice(SENDERS)} perihal {topic}"
        noun = {"RCC": "RCC asesor kompetensi", "ASKOM": "Pelatihan asesor kompetensi", "LIS": "Lisensi"}[code]
        return f"{noun} LSP Bench {org_id:03d}"

    def _work(self, case_id: int, code: str, step: Step, ready: datetime) -> dict:
        row = {"id": self.next_work_id, "case_id": case_id, "flow_code": code, "step_key": step.key,
               "item_id": None, "role_mask": self.masks[(code, step.key)], "assignee_id": None,
               "ready_at": ready, "due_at": None, "completed_at": None, "completed_by_id": None,
               "action_key": None, "search_text": None}
        self.next_work_id += 1
        return row

    def _done(self, case_id: int, code: str, steps: list[Step], created: datetime) -> list[dict]:
        rows, at = [], created
        for step in steps:
            row = self._work(case_id, code, step, at)
            at = at + timedelta(hours=self.rng.uniform(2, 40))
            actor_role = next((r for r in step.roles if r in self.pool), None)
            row.update(state="done", due_at=at + timedelta(hours=8) if step.sla.kind != "none" else None,
                       completed_at=at, action_key=step.transitions[0].key,
                       completed_by_id=self.rng.choice(self.pool[actor_role]) if actor_role else None)
            rows.append(row)
        return rows

    def _open(self, case_id: int, flow: Flow, step: Step, created: datetime, items: list[dict]) -> dict:
        rng, now = self.rng, self.now
        row = self._work(case_id, flow.code, step, created)
        row["state"] = "open"
        if step.sla.kind != "none":
            bucket = rng.random()
            if bucket < 0.35:  # overdue
                row["due_at"] = now - timedelta(hours=rng.uniform(1, 20 * 24))
            elif bucket < 0.50:  # due later today (WIB)
                end_of_day = datetime.combine(now.astimezone(WIB).date(), datetime.max.time(), tzinfo=WIB)
                row["due_at"] = now + (end_of_day - now) * rng.random()
            else:
                row["due_at"] = now + timedelta(hours=rng.uniform(24, 10 * 24))
        if step.per is not None:
            kind = "participant" if step.per == "participant" else "finding"
            item = {"id": self.next_item_id, "case_id": case_id, "kind": kind,
                    "label": f"{'Peserta' if kind == 'participant' else 'Temuan LKS'} {rng.randint(1, 30)}",
                    "user_id": None, "position": step.key, "data": {}}
            if "peserta" in step.roles:
                item["user_id"] = row["assignee_id"] = rng.choice(self.pool["peserta"])
            items.append(item)
            row["item_id"] = item["id"]
            self.next_item_id += 1
        if step.named_actor and row["assignee_id"] is None and rng.random() < 0.8:
            candidates = [uid for role in step.roles for uid in self.pool.get(role, [])]
            row["assignee_id"] = rng.choice(candidates) if candidates else None
        self.stats.open_work_items += 1
        return row

    def _finish(self) -> None:
        """Explicit ids were given: move the sequences past them; fresh statistics for the planner."""
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                for table in ("organisation", "user_account", "user_role", "case_file", "case_item", "work_item"):
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                      f"(SELECT max(id) FROM {table}))"))
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE" if conn.dialect.name == "postgresql" else "ANALYZE"))


# --- measuring -----------------------------------------------------------------------------------

class QueryLog:
    """Counts (and keeps) the SQL statements the engine sends while `active`."""

    def __init__(self) -> None:
        self.active = False
        self.statements: list[tuple[str, object]] = []
        self.sql_seconds = 0.0  # time inside cursor.execute (with after_cursor_execute: `finished`)
        self._started = 0.0

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if self.active:
            self.statements.append((statement, parameters))
            self._started = time.perf_counter()

    def finished(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if self.active:
            self.sql_seconds += time.perf_counter() - self._started

    @contextmanager
    def recording(self) -> Iterator[list[tuple[str, object]]]:
        self.statements = []
        self.sql_seconds = 0.0
        self.active = True
        try:
            yield self.statements
        finally:
            self.active = False


def logged_in_client(app: Flask, username: str):
    """A test client logged in through POST /akun/masuk, sending the session's CSRF token."""
    client = app.test_client()
    token = secrets.token_urlsafe(32)
    with client.session_transaction() as session:
        session[SESSION_KEY] = token
    response = client.post("/akun/masuk", data={"username": username, "password": PASSWORD},
                           headers={"X-CSRFToken": token})
    if response.status_code != 302:
        raise SystemExit(f"login as {username} failed: HTTP {response.status_code}")
    return client


TOTAL_RE = re.compile(r"((?:lebih dari )?[\d.]+) pekerjaan · halaman")


def measure(app: Flask, log: QueryLog, repeat: int, year: int, found_number: str) -> list[Result]:
    clients: dict[str, object] = {}
    results = []
    for variant in variants(year, found_number):
        client = clients.get(variant.user) or clients.setdefault(variant.user, logged_in_client(app, variant.user))
        for _ in range(2):  # warm-up: template compilation, statement caches, pool
            client.get(variant.path, headers=variant.headers)
        times, sql, counts, body = [], [], [], ""
        for _ in range(repeat):
            with log.recording() as statements:
                start = time.perf_counter()
                response = client.get(variant.path, headers=variant.headers)
                elapsed = (time.perf_counter() - start) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{variant.path}: HTTP {response.status_code}")
            times.append(elapsed)
            sql.append(log.sql_seconds * 1000)
            counts.append(len(statements))
            body = response.get_data(as_text=True)
        if variant.headers and "<html" in body.lower():
            raise SystemExit(f"{variant.label}: expected the HTMX fragment, got a whole page")
        match = TOTAL_RE.search(body)
        results.append(Result(variant, times, counts, match.group(1) if match else "0", sql))
    return results


def explain_inbox(app: Flask, log: QueryLog) -> tuple[str, bool]:
    """EXPLAIN ANALYZE (PostgreSQL) or EXPLAIN QUERY PLAN (SQLite) of the default inbox's page
    query and count query, exactly as the request sent them; and whether both read work_item
    through an index (never a full scan of the table)."""
    client = logged_in_client(app, "bench_staf_lisensi")
    with log.recording() as statements:
        client.get("/kotak-kerja")
    # The union of each branch's first matches (page and capped count), then the page's rows by id.
    wanted = [(s, p) for s, p in statements if "FROM work_item" in s and ("LIMIT" in s or ".id IN (" in s)]
    out, indexed = [], len(wanted) == 2
    with app.app_context(), db.engine.connect() as conn:
        postgres = conn.dialect.name == "postgresql"
        prefix = "EXPLAIN (ANALYZE, COSTS OFF)" if postgres else "EXPLAIN QUERY PLAN"
        for statement, params in wanted:
            kind = "first matches of each branch" if "LIMIT" in statement else "page rows"
            lines = [row[0] if postgres else str(row[-1]) for row in conn.exec_driver_sql(f"{prefix} {statement}", params)]
            work_item_reads = [line for line in lines if re.search(r"\bon work_item\b|^\s*(SCAN|SEARCH) work_item\b", line)]
            indexed = indexed and bool(work_item_reads) and all("Index" in line or "INDEX" in line or "PRIMARY KEY" in line
                                                                         for line in work_item_reads)
            out.append(f"  -- {kind} query --\n" + "\n".join("    " + line for line in lines))
    return "\n".join(out), indexed


def report(title: str, results: list[Result]) -> None:
    print(f"\n{title}")
    print(f"  {'variant':28} {'median ms':>10} {'p95 ms':>8} {'sql ms':>7} {'queries':>8} {'rows':>17}")
    for r in results:
        print(f"  {r.variant.label:28} {r.median:10.1f} {r.p95:8.1f} {statistics.median(r.sql_ms):7.1f} "
              f"{r.query_text:>8} {r.total:>17}")


def run_seed(base_url: str | None, workdir: Path, n_cases: int, repeat: int, seed: int,
             explain: bool) -> tuple[list[Result], SeedStats, tuple[str, bool]]:
    now = utcnow()
    with fresh_database(base_url, workdir, str(n_cases)) as url:
        app = make_app(url, workdir)
        with app.app_context():
            seeder = Seeder(n_cases, random.Random(seed), now)
            stats = seeder.run()
            engine = db.engine
        log = QueryLog()
        event.listen(engine, "before_cursor_execute", log)
        event.listen(engine, "after_cursor_execute", log.finished)
        try:
            results = measure(app, log, repeat, now.astimezone(WIB).year, stats.found_number)
            plan = explain_inbox(app, log) if explain else ("", True)
        finally:
            event.remove(engine, "before_cursor_execute", log)
            event.remove(engine, "after_cursor_execute", log.finished)
            engine.dispose()
    return results, stats, plan


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG),
                        help="PostgreSQL base URL (a fresh schema is created in it and dropped)")
    parser.add_argument("--sqlite", action="store_true", help="use a temporary SQLite file instead")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--small-cases", type=int, default=1_000,
                        help="the second, small seed that shows the query count does not grow (0: skip)")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1516, help="random seed of the generated data")
    args = parser.parse_args(argv)

    base_url = None if args.sqlite else args.database_url
    backend = "sqlite" if args.sqlite else "postgresql"
    with tempfile.TemporaryDirectory(prefix="bench-inbox-") as tmp:
        workdir = Path(tmp)
        print(f"Kotak Kerja benchmark on {backend}: {args.cases} cases, {args.repeat} requests per variant")
        results, stats, (plan, indexed) = run_seed(base_url, workdir, args.cases, args.repeat, args.seed,
                                        explain=True)
        print(f"seeded {stats.cases} cases ({stats.open_cases} open), {stats.work_items} work items "
              f"({stats.open_work_items} open), {stats.case_items} case items in {stats.seconds:.1f} s")
        report(f"{args.cases} cases", results)
        print("\nquery plans of the default inbox:\n" + plan)
        print(f"work_item read through an index in both queries: {'yes' if indexed else 'NO'}")
        same = True
        if args.small_cases:
            small, small_stats, _ = run_seed(base_url, workdir, args.small_cases, args.repeat, args.seed,
                                             explain=False)
            report(f"{args.small_cases} cases ({small_stats.open_work_items} open work items)", small)
            same = all(a.query_text == b.query_text for a, b in zip(results, small))
            print(f"\nquery count independent of the number of cases: {'yes' if same else 'NO'}")
    main_result = results[0]
    worst = max(results, key=lambda r: r.median)
    verdict = "under" if worst.median < GOAL_MS else "OVER"
    print(f"slowest variant {worst.variant.label} median {worst.median:.1f} ms: {verdict} the {GOAL_MS:.0f} ms goal")
    print(f"inbox_ms={main_result.median:.1f} worst_ms={worst.median:.1f} queries={main_result.query_text} "
          f"cases={stats.cases}")
    return 0 if same and indexed and worst.median < GOAL_MS else 1


if __name__ == "__main__":
    sys.exit(main())
