"""Load on the QR landing page: ``GET /v/<id>`` for random ids among N issued certificates (default
100,000) next to a trivial route (``GET /v/sehat``) on the same gunicorn, in the same run.

    python bench/verify_load.py [--database-url URL] [--certificates 100000] [--workers 2]
                                [--threads 1] [--connections 4] [--duration 10] [--rounds 2]
                                [--warmup 5]
                                [--redis-url URL | --no-redis]

PostgreSQL by default (``$BENCH_DATABASE_URL``, else ``postgresql://postgres@127.0.0.1:5432/test``)
in a fresh schema created and dropped by the script. Seeding uses bulk Core inserts. As a
deployment would, the Redis read model of the registry is then loaded (``flask registry-warm``'s
``readmodel.warm``) into ``--redis-url`` (``$BENCH_REDIS_URL``, else redis://127.0.0.1:6379/14, a
database of its own, emptied at start and end) and gunicorn gets it as REDIS_URL; ``--no-redis``
measures the PostgreSQL-only path. gunicorn
(``--workers`` sync workers, or gthread workers with ``--threads`` > 1; production config)
listens on 127.0.0.1 only. The load comes from
``wrk`` (Debian package ``wrk``) with one thread and ``--connections`` connections; without wrk a
small Python client is used (bounded by ``--duration`` and ``--max-requests``). The two routes are
measured alternately ``--rounds`` times after a warm-up; figures are the means over the rounds, p99
the worst round's.

The last line reads ``verify_rps=<x> trivial_rps=<y> ratio=<x/y> p99_ms=<z>``; the exit status is
1 if a verification answered anything but 200 or the goals (ratio >= 0.7, p99 < 20 ms) are missed.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import date, timedelta
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, text  # noqa: E402

from portal import create_app  # noqa: E402
from portal.core.dates import utcnow  # noqa: E402
from portal.core.scratch import scratch_schema  # noqa: E402
from portal.extensions import db  # noqa: E402

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS = "redis://127.0.0.1:6379/14"
CHUNK = 10_000
GOAL_RATIO, GOAL_P99_MS = 0.7, 20.0
FIRST = ("Budi", "Siti", "Agus", "Dewi", "Rina", "Made", "Putu", "Yohanes", "Nur", "Ahmad", "Lestari")
LAST = ("Santoso", "Rahmawati", "Lubis", "Siregar", "Wijaya", "Nugroho", "Hasibuan", "Pratama")

# Both routes go through a Lua request() so that wrk spends the same on each.
LUA_RANDOM_IDS = """
local ids = {}
for line in io.lines("%s") do ids[#ids + 1] = line end
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
request = function()
  return wrk.format("GET", "/v/" .. ids[math.random(#ids)])
end
"""
LUA_FIXED = """
request = function()
  return wrk.format("GET", "/v/sehat")
end
"""


def create_schema(base_url: str):
    return scratch_schema(base_url, "bench_verify")


def seed(app, n: int) -> list[str]:
    """One signer, one case and its documents, n signed certificates; returns their public ids."""
    from portal.accounts.services import create_user
    from portal.cases.models import Case, DocumentVersion
    from portal.signing.models import SignatureRequest

    rng = random.Random(20260728)
    with app.app_context():
        db.create_all()
        ketua = create_user("bench_ketua", "Dr. Ketua BNSP", "ketua@bench.test",
                            "bench-only-pass-123", ["ketua"])
        case = Case(number="RCC-2026-BENCH", flow_code="RCC", title="Benchmark", active_steps=[],
                    flags=[], data={})
        db.session.add(case)
        db.session.flush()
        versions = []
        for code in ("D24-draf", "D24"):
            version = DocumentVersion(case_id=case.id, code=code, version=1, filename=f"{code}.pdf",
                                      content_type="application/pdf", size=1, sha256="0" * 64,
                                      storage_key=f"bench/{code}.pdf")
            db.session.add(version)
            versions.append(version)
        db.session.flush()
        ids_, now = [], utcnow()
        rows = []
        for i in range(n):
            public_id = secrets.token_urlsafe(18)
            ids_.append(public_id)
            issued = date(2021, 8, 1) + timedelta(days=rng.randrange(0, 1900))
            revoked = rng.random() < 0.01
            rows.append({
                "public_id": public_id, "case_id": case.id, "code": "D24", "item_key": f"item:{i}",
                "doc_type": "certificate", "title": "Sertifikat Kompetensi — Sertifikat Asesor",
                "number": f"62090 2513 3 {i:07d} {issued.year}",
                "registration_number": f"MET.000.{i:06d}.{issued.year}",
                "holder_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                "valid_from": issued, "valid_until": issued + timedelta(days=3 * 365),
                "signer_role": "ketua", "source_version_id": versions[0].id,
                "signed_version_id": versions[1].id, "state": "ditandatangani",
                "level": rng.choice(("B-B", "B-T", "B-LT")),
                "sha256": hashlib.sha256(public_id.encode()).hexdigest(),
                "signed_at": now - timedelta(days=rng.randrange(0, 1500)), "signed_by_id": ketua.id,
                "created_at": now, "revoked_at": now if revoked else None,
                "revoked_reason": "Pelanggaran kode etik" if revoked else None,
                "revoked_reference": "KEP.1/BNSP/I/2026" if revoked else None,
            })
            if len(rows) == CHUNK:
                db.session.execute(insert(SignatureRequest), rows)
                rows = []
        if rows:
            db.session.execute(insert(SignatureRequest), rows)
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE signature_request" if conn.dialect.name == "postgresql"
                              else "ANALYZE"))
        db.engine.dispose()
    return ids_


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(url: str, workers: int, port: int, workdir: Path, threads: int = 1,
                   redis_url: str | None = None) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=url, PORTAL_ENV="production", SECRET_KEY=secrets.token_hex(32),
               PORTAL_INSTANCE_DIR=str(workdir), STORAGE_DIR=str(workdir / "storage"),
               MAIL_OUTBOX_DIR=str(workdir / "outbox"), PUBLIC_BASE_URL=f"http://127.0.0.1:{port}")
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "--threads", str(threads),
         "-b", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env=env, start_new_session=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/v/sehat", timeout=1) as resp:
                if resp.status == 200:
                    return proc
        except OSError:
            time.sleep(0.2)
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited during start-up")
    raise SystemExit("gunicorn did not answer within 30 s")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)  # its own session: the master and its workers only
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# --- load generators -------------------------------------------------------------------------

def _latency_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value.strip()).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(base: str, path: str, duration: int, connections: int, script: Path) -> dict:
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s",
           "-s", str(script)]
    out = subprocess.run([*cmd, base + path], capture_output=True, text=True, check=True).stdout
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": _latency_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
        "p99_ms": _latency_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "bad": int(bad.group(1)) if bad else 0,
        "errors": sum(int(g) for g in errors.groups()) if errors else 0,
    }


def run_python(base: str, paths, duration: int, connections: int, max_requests: int) -> dict:
    """Fallback without wrk: closed-loop clients, one connection each (gunicorn's sync workers
    close every connection anyway)."""
    host, port = base.split("//")[1].split(":")
    latencies: list[float] = []
    bad = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + duration

    def client() -> None:
        while time.perf_counter() < stop_at:
            with lock:
                if len(latencies) >= max_requests:
                    return
            path = paths() if callable(paths) else paths
            start = time.perf_counter()
            conn = HTTPConnection(host, int(port), timeout=5)
            conn.request("GET", path)
            resp = conn.getresponse()
            resp.read()
            conn.close()
            with lock:
                latencies.append((time.perf_counter() - start) * 1000)
                bad[0] += resp.status != 200

    began = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {"rps": len(latencies) / elapsed, "p50_ms": statistics.median(latencies),
            "p99_ms": latencies[int(len(latencies) * 0.99) - 1], "requests": len(latencies),
            "bad": bad[0], "errors": 0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG))
    parser.add_argument("--certificates", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per worker (more than 1: gunicorn's gthread workers)")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=5,
                        help="seconds of load per route before measuring (each worker loads its "
                             "in-memory copy of the registry after start-up)")
    parser.add_argument("--max-requests", type=int, default=200_000, help="Python client only")
    parser.add_argument("--python-client", action="store_true", help="do not use wrk")
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS),
                        help="Redis database for the registry read model (emptied at start and end)")
    parser.add_argument("--no-redis", action="store_true",
                        help="no Redis read model: every lookup goes to PostgreSQL")
    args = parser.parse_args()
    redis_url = None if args.no_redis else args.redis_url
    redis_client = None
    if redis_url:
        import redis

        redis_client = redis.Redis.from_url(redis_url)
        redis_client.flushdb()

    workdir = Path(tempfile.mkdtemp(prefix="bench-verify-"))
    url, drop = create_schema(args.database_url)
    proc = None
    try:
        started = time.perf_counter()
        app = create_app({"DATABASE_URL": url, "STORAGE_DIR": str(workdir / "storage"),
                          "MAIL_OUTBOX_DIR": str(workdir / "outbox"), "SECRET_KEY": "bench"})
        ids = seed(app, args.certificates)
        print(f"seeded {len(ids):,} certificates in {time.perf_counter() - started:.1f} s")
        if redis_url:
            from portal.verification import readmodel

            started = time.perf_counter()
            app.config["REDIS_URL"] = redis_url
            with app.app_context():
                warmed = readmodel.warm()
                db.engine.dispose()
            print(f"Redis read model on ({redis_url}): {warmed:,} records loaded in "
                  f"{time.perf_counter() - started:.1f} s")
        else:
            print("Redis read model off (--no-redis): every lookup goes to PostgreSQL")
        ids_file = workdir / "ids.txt"
        ids_file.write_text("\n".join(ids) + "\n")
        scripts = {"verify": workdir / "random-ids.lua", "trivial": workdir / "trivial.lua"}
        scripts["verify"].write_text(LUA_RANDOM_IDS % ids_file)
        scripts["trivial"].write_text(LUA_FIXED)

        port = free_port()
        proc = start_gunicorn(url, args.workers, port, workdir, args.threads, redis_url)
        base = f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(f"{base}/v/{ids[0]}") as resp:
            page = resp.read().decode()
        assert "Sertifikat Kompetensi" in page, "the verification page did not render"

        use_wrk = shutil.which("wrk") and not args.python_client
        if not use_wrk:
            print("wrk not found (apt-get install wrk): using the Python client")

        def measure(kind: str, seconds: int) -> dict:
            if use_wrk:
                return run_wrk(base, "/", seconds, args.connections, scripts[kind])
            paths = "/v/sehat" if kind == "trivial" else (lambda: "/v/" + random.choice(ids))
            return run_python(base, paths, seconds, args.connections, args.max_requests)

        # Warm-up: imports, connections, templates, and each worker's in-memory registry copy.
        measure("trivial", args.warmup), measure("verify", args.warmup)
        results: dict[str, list[dict]] = {"trivial": [], "verify": []}
        for _ in range(args.rounds):
            for kind in ("trivial", "verify"):
                results[kind].append(measure(kind, args.duration))

        print(f"\n{'route':<22}{'round':>6}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}"
              f"{'requests':>10}{'non-200':>9}")
        for kind, label in (("trivial", "GET /v/sehat"), ("verify", "GET /v/<random id>")):
            for number, r in enumerate(results[kind], 1):
                print(f"{label:<22}{number:>6}{r['rps']:>10.0f}{r['p50_ms']:>9.2f}{r['p99_ms']:>9.2f}"
                      f"{r['requests']:>10}{r['bad'] + r['errors']:>9}")
        trivial_rps = statistics.mean(r["rps"] for r in results["trivial"])
        verify_rps = statistics.mean(r["rps"] for r in results["verify"])
        p99 = max(r["p99_ms"] for r in results["verify"])
        failures = sum(r["bad"] + r["errors"] for r in results["verify"])
        print(f"\n{args.certificates:,} certificates, gunicorn -w {args.workers}, "
              f"{'wrk -t1' if use_wrk else 'python client'} -c{args.connections}, "
              f"{args.rounds} x {args.duration} s per route, "
              f"Redis read model {'on' if redis_url else 'off'}; "
              f"goal ratio >= {GOAL_RATIO}, p99 < {GOAL_P99_MS} ms")
        ok = failures == 0 and verify_rps >= GOAL_RATIO * trivial_rps and p99 < GOAL_P99_MS
        print(f"verify_rps={verify_rps:.0f} trivial_rps={trivial_rps:.0f} "
              f"ratio={verify_rps / trivial_rps:.2f} p99_ms={p99:.1f}")
        return 0 if ok else 1
    finally:
        if proc is not None:
            stop(proc)
        drop()
        shutil.rmtree(workdir, ignore_errors=True)
        if redis_client is not None:
            redis_client.flushdb()
            redis_client.close()


if __name__ == "__main__":
    raise SystemExit(main())
