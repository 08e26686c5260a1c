"""The Ketua's signing desk (GET /tanda-tangan/) with 1,000 waiting documents.

    python bench/signing_queue.py                 # a temporary SQLite file (the embedded default)
    python bench/signing_queue.py --database-url postgresql://postgres@127.0.0.1:5432/test
    python bench/signing_queue.py --documents 1000 --repeat 20

A temporary portal gets waiting signature requests spread like a busy month: certificates of RCC
and ASKOM cases (8–40 per case, with holders), their approval letters and SPTs, licensing letters,
SK and licence certificates, and Secretariat / member letters with subject and addressee in the
case data; each with a draft version uploaded by a drafter (seeded with bulk inserts; no PDFs are
needed to list them). Logged in as the Ketua through the real login form, each variant of the desk
is requested `--repeat` times after two warm-ups: the default page (grouped by case), grouped by
kind, filtered by kind, by flow, a search, the last page, and the HTMX fragment. Time is
`time.perf_counter()` around each request (routing, queries, template); SQL statements are counted
per request, first with a fifth of the documents seeded and then with all of them.

The last line is ``signing_queue_documents=<n> worst_median_ms=<x> worst_p95_ms=<y>
queries=<q> queries_constant=<yes|no>``; the exit status is 1 when the worst median is 100 ms or
more or the query count changes with the number of documents.
"""
from __future__ import annotations

import argparse
import contextlib
import random
import re
import secrets
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-desk-12345"
GOAL_MS = 100.0
# (flow, code, holder per item?) — the signed documents the flow files declare.
PER_CASE = {
    "RCC": [("D7 A", False), ("D8 A", False), ("D8 B", False), ("D24", True)],
    "ASKOM": [("D7 A", False), ("D25", False), ("D27", True)],
    "LIS": [("D20", False), ("D23a", False), ("D23b", False), ("D23c", False), ("D13", False)],
    "SKS": [("SURAT_TTD", False)],
    "SKA": [("SURAT_TTD", False)],
}
SUBJECTS = ["Undangan rapat koordinasi lisensi", "Tanggapan atas permohonan RCC", "Penyampaian hasil pleno",
            "Permohonan narasumber", "Pemberitahuan jadwal asesmen", "Surat edaran skema sertifikasi"]
NAMES = ["Budi", "Siti", "Agus", "Dewi", "Rina", "Joko", "Wahyu", "Lestari", "Hendra", "Putri"]


@contextlib.contextmanager
def database(base_url: str | None, workdir: Path):
    if base_url is None:
        yield f"sqlite:///{workdir / 'bench-desk.sqlite3'}"
        return
    from portal.core.scratch import scratch_schema

    url, drop = scratch_schema(base_url, "bench_desk")
    try:
        yield url
    finally:
        drop()


def make_app(url: str, workdir: Path):
    from portal import create_app
    from portal.extensions import db

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(16),
                      "STORAGE_DIR": str(workdir / "storage"), "MAIL_OUTBOX_DIR": str(workdir / "outbox"),
                      "SIGNING_DIR": str(workdir / "signing")})
    with app.app_context():
        db.create_all()
    return app


class Seeder:
    def __init__(self, rng: random.Random):
        from portal.accounts.models import Organisation
        from portal.accounts.services import create_user
        from portal.extensions import db

        self.rng = rng
        self.orgs = [Organisation(name=f"LSP Kinerja {n:03d}", kind="lsp", email=f"lsp{n}@bench.test")
                     for n in range(40)]
        db.session.add_all(self.orgs)
        db.session.flush()
        self.ketua = create_user("bench_ketua", "Dr. Ketua BNSP", "ketua@bench.test", PASSWORD, ["ketua"])
        self.drafters = [create_user(f"bench_staf{n}", f"Staf Penyusun {n}", f"staf{n}@bench.test", PASSWORD,
                                     ["staf_sertifikasi"]) for n in range(6)]
        db.session.commit()
        # Plain values: the seeder outlives the app context it was made in.
        self.orgs = [(org.id, org.name) for org in self.orgs]
        self.drafters = [user.id for user in self.drafters]
        self.cases = 0
        self.documents = 0

    def seed(self, documents: int) -> None:
        """Add cases until `documents` requests wait in all (bulk; one commit per 200 cases)."""
        from portal.cases.models import Case, CaseItem, DocumentVersion
        from portal.core.dates import utcnow
        from portal.extensions import db
        from portal.flows.registry import get_flow
        from portal.signing.models import SignatureRequest

        rng, now = self.rng, utcnow()
        while self.documents < documents:
            flow_code = rng.choice(["RCC", "RCC", "ASKOM", "LIS", "SKS", "SKS", "SKA"])
            self.cases += 1
            org_id, org_name = rng.choice(self.orgs)
            subject = rng.choice(SUBJECTS)
            data = {}
            if flow_code in ("SKS", "SKA"):
                data = {"sifat": "biasa", "draft": {"kepada": [f"Yth. Ketua {org_name}", "di", "Jakarta"]}}
            case = Case(number=f"{flow_code}-2026-{self.cases:05d}", flow_code=flow_code,
                        title=f"{subject} {self.cases}", organisation_id=org_id, data=data,
                        created_at=now - timedelta(days=rng.randint(0, 20)))
            db.session.add(case)
            db.session.flush()
            flow = get_flow(flow_code)
            waiting_since = now - timedelta(hours=rng.randint(1, 200))
            for code, per_item in PER_CASE[flow_code]:
                document = flow.document(code)
                holders = ([f"{rng.choice(NAMES)} {rng.choice(NAMES)}son {n}" for n in range(rng.randint(8, 40))]
                           if per_item else [None])
                for holder in holders:
                    if self.documents >= documents:
                        break
                    item_key = ""
                    if holder:
                        item = CaseItem(case_id=case.id, kind="participant", label=holder, data={})
                        db.session.add(item)
                        db.session.flush()
                        item_key = f"participant:{item.id}"
                    version = DocumentVersion(
                        case_id=case.id, code=document.draft or code, item_key=item_key, version=1,
                        filename="konsep.pdf", content_type="application/pdf", size=20000, sha256="0" * 64,
                        storage_key=f"bench/{secrets.token_hex(8)}.pdf",
                        uploaded_by_id=rng.choice(self.drafters), uploaded_at=waiting_since)
                    db.session.add(version)
                    db.session.flush()
                    title = f"{document.short_name} — {holder or case.title}"[:300]
                    db.session.add(SignatureRequest(
                        public_id=secrets.token_urlsafe(18), case_id=case.id, code=code, item_key=item_key,
                        doc_type=str(document.kind), title=title, holder_name=holder, signer_role="ketua",
                        source_version_id=version.id, state="menunggu", created_at=waiting_since))
                    self.documents += 1
            if self.cases % 200 == 0:
                db.session.commit()
        db.session.commit()
        analyze()


def analyze() -> None:
    from sqlalchemy import text

    from portal.extensions import db

    db.session.execute(text("ANALYZE"))
    db.session.commit()


def logged_in_client(app, username: str):
    from portal.core.csrf import SESSION_KEY

    client = app.test_client()
    token = secrets.token_urlsafe(32)
    with client.session_transaction() as session:
        session[SESSION_KEY] = token
    response = client.post("/akun/masuk", data={"username": username, "password": PASSWORD},
                           headers={"X-CSRFToken": token})
    if response.status_code != 302:
        raise SystemExit(f"login as {username} failed: HTTP {response.status_code}")
    return client


VARIANTS = [
    ("default (grouped by case, page 1)", "/tanda-tangan/", {}),
    ("grouped by kind", "/tanda-tangan/?kelompok=jenis", {}),
    ("kind = certificate", "/tanda-tangan/?jenis=certificate", {}),
    ("flow = LIS", "/tanda-tangan/?alur=LIS", {}),
    ("search a holder's name", "/tanda-tangan/?q=Dewi", {}),
    ("last page", "/tanda-tangan/?halaman=999", {}),
    ("HTMX fragment", "/tanda-tangan/?kelompok=jenis", {"HX-Request": "true", "HX-Target": "desk"}),
]
SHOWN_RE = re.compile(r"(\d+) dokumen menunggu tanda tangan")


def measure(app, repeat: int, statements: list) -> list[tuple[str, list[float], int]]:
    client = logged_in_client(app, "bench_ketua")
    results = []
    for label, path, headers in VARIANTS:
        for _ in range(2):
            client.get(path, headers=headers)
        times, counts = [], set()
        for _ in range(repeat):
            statements.clear()
            start = time.perf_counter()
            response = client.get(path, headers=headers)
            times.append((time.perf_counter() - start) * 1000)
            counts.add(len(statements))
            if response.status_code != 200:
                raise SystemExit(f"{path}: HTTP {response.status_code}")
        results.append((label, times, max(counts)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database-url", help="PostgreSQL base URL (a fresh schema, dropped afterwards)")
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    from sqlalchemy import event

    with tempfile.TemporaryDirectory(prefix="bench-desk-") as tmp, database(args.database_url, Path(tmp)) as url:
        app = make_app(url, Path(tmp))
        from portal.extensions import db

        statements: list = []
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(1))
            seeder = Seeder(random.Random(args.seed))
            seeder.seed(args.documents // 5)
        # Requested outside any app context, as a server would: nothing is cached between requests.
        small = measure(app, 3, statements)
        with app.app_context():
            seeder.seed(args.documents)
        start = time.perf_counter()
        full = measure(app, args.repeat, statements)
        if True:
            kind = "postgresql" if args.database_url else "sqlite"
            print(f"{seeder.documents} waiting documents in {seeder.cases} cases; database {kind}; "
                  f"{args.repeat} requests per variant ({time.perf_counter() - start:.1f} s)\n")
            print(f"{'variant':40} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'at 1/5':>7}")
            worst_median = worst_p95 = 0.0
            constant = True
            for (label, times, queries), (_, _, queries_small) in zip(full, small):
                median = statistics.median(times)
                p95 = sorted(times)[max(0, int(len(times) * 0.95) - 1)]
                worst_median, worst_p95 = max(worst_median, median), max(worst_p95, p95)
                constant &= queries == queries_small
                print(f"{label:40} {median:10.1f} {p95:8.1f} {queries:8d} {queries_small:7d}")
            max_queries = max(q for *_, q in full)
            print(f"\nsigning_queue_documents={seeder.documents} worst_median_ms={worst_median:.1f} "
                  f"worst_p95_ms={worst_p95:.1f} queries={max_queries} queries_constant={'yes' if constant else 'no'}")
    if worst_median >= GOAL_MS or not constant:
        sys.exit(1)


if __name__ == "__main__":
    main()
