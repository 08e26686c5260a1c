"""Two of everything: two gunicorn app processes and two signing workers against one PostgreSQL,
one Redis and one S3 bucket, each process with its own empty local folders. Runs on PostgreSQL
(the SQLite pass of ./test.sh skips it with that reason; .ci/run runs both passes)."""
from __future__ import annotations

import re
import subprocess
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
import requests
from sqlalchemy import func, select

from portal.cases.models import DocumentVersion, WorkItem
from portal.signing.models import SignatureRequest, SigningBatch
from portal.verification.services import REVOCABLE_TYPES
from tests.conftest import TEST_PASSWORD, make_user
from tests.factories import sample_pdf
from tests.services import S3_CREDENTIALS, free_port, wait_until
from tests.test_signing_queue import PIN, _rcc_at_signing, signing  # noqa: F401 - fixture

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Cluster:
    apps: list[str]
    worker_logs: list[Path]
    bucket: str
    endpoint: str
    folders: list[Path]


def _start(stack: ExitStack, args: list[str], env: dict, log: Path) -> None:
    handle = stack.enter_context(open(log, "wb"))
    process = subprocess.Popen(args, env=env, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT)

    def stop() -> None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    stack.callback(stop)


@pytest.fixture()
def cluster(app, db, tmp_path, redis_process, s3_storage, s3_endpoint, monkeypatch):
    if not app.config["DATABASE_URL"].startswith("postgresql"):
        pytest.skip("two app processes and two workers share one PostgreSQL: runs in the PostgreSQL pass")
    monkeypatch.setitem(app.config, "REDIS_URL", redis_process)
    common = {
        "PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PORTAL_ENV": "development",
        "SECRET_KEY": "dua-proses-uji", "DATABASE_URL": app.config["DATABASE_URL"], "REDIS_URL": redis_process,
        "STORAGE_BACKEND": "s3", "S3_BUCKET": s3_storage, "S3_ENDPOINT_URL": s3_endpoint, **S3_CREDENTIALS,
        # Key material is configuration every machine shares: the signing key and the offline QR key.
        "SIGNING_DIR": app.config["SIGNING_DIR"], "OFFLINE_KEY_PATH": str(tmp_path / "offline-ed25519.pem"),
        "SIGNING_PROCESSES": "1", "PORTAL_SIGNING_DRILL_DELAY": "0.3",
    }
    apps, logs, folders = [], [], []
    with ExitStack() as stack:
        for name in ("app1", "app2", "worker1", "worker2"):
            own = tmp_path / name
            folders.append(own / "storage")
            env = dict(common, PORTAL_INSTANCE_DIR=str(own), STORAGE_DIR=str(own / "storage"),
                       MAIL_OUTBOX_DIR=str(own / "outbox"))
            log = tmp_path / f"{name}.log"
            if name.startswith("app"):
                port = free_port()
                apps.append(f"http://127.0.0.1:{port}")
                _start(stack, [sys.executable, "-m", "gunicorn", "-w", "1", "--threads", "4",
                               "-b", f"127.0.0.1:{port}", "wsgi:app"], env, log)
            else:
                logs.append(log)
                _start(stack, [sys.executable, "-m", "portal.worker"], env, log)
        for url in apps:
            wait_until(lambda: requests.get(url + "/siap", timeout=2).status_code == 200, f"app {url}", timeout=60)
        for log in logs:
            wait_until(lambda: b"consumer" in log.read_bytes().lower(), f"worker {log.name}", timeout=60)
        yield Cluster(apps, logs, s3_storage, s3_endpoint, folders)


def _login(base: str, username: str, password: str = TEST_PASSWORD) -> requests.Session:
    session = requests.Session()
    token = _csrf(session.get(base + "/akun/masuk"))
    response = session.post(base + "/akun/masuk", data={"username": username, "password": password},
                            headers={"X-CSRFToken": token}, allow_redirects=False)
    session.login_status = response.status_code
    session.csrf = _csrf(session.get(base + "/beranda")) if response.status_code == 302 else token
    return session


def _csrf(response) -> str:
    return re.search(r'"X-CSRFToken": "([^"]+)"', response.text).group(1)


def _post(session, url: str, **kwargs):
    return session.post(url, headers={"X-CSRFToken": session.csrf}, allow_redirects=False, **kwargs)


def test_two_apps_and_two_workers_share_one_database_redis_and_bucket(app, db, cluster, signing):
    one, two = cluster.apps

    # A batch for each of two signers, sent through different apps: the two workers share them.
    cases = [_rcc_at_signing(db, offset=2 * n) for n in range(2)]
    for (case, _cast, ketua), base in zip(cases, cluster.apps):
        ids = db.session.scalars(select(SignatureRequest.id).where(SignatureRequest.case_id == case.id)).all()
        ketua_session = _login(base, ketua.username)
        assert _post(ketua_session, base + "/tanda-tangan/batch", data={"requests": ids, "pin": PIN}).status_code == 302

    def all_signed() -> bool:
        db.session.expire_all()
        states = db.session.scalars(select(SigningBatch.state)).all()
        return len(states) == 2 and set(states) == {"selesai"}

    wait_until(all_signed, "both batches signed", timeout=180)
    signed = db.session.scalars(select(SignatureRequest)).all()
    assert len(signed) == 6 and {r.state for r in signed} == {"ditandatangani"}
    assert len({r.signed_version_id for r in signed}) == 6  # nothing signed twice
    assert db.session.scalar(select(func.count()).select_from(DocumentVersion).where(
        DocumentVersion.note == "Ditandatangani secara elektronik")) == 6
    for log in cluster.worker_logs:  # each worker took a batch off the Redis queue
        assert "sign_batch_task" in log.read_text(), log.read_text()[-2000:]

    # A revocation made through one app shows at once on the other (its in-memory registry was warm).
    document = signed[0]
    document.doc_type = REVOCABLE_TYPES[-1]  # the RCC batch signs letters: one stands in for an SK
    db.session.commit()
    assert "Dokumen ini SAH" in requests.get(f"{two}/v/{document.public_id}").text
    ketua = cases[0][2]
    ketua_one = _login(one, ketua.username)
    revoked = _post(ketua_one, f"{one}/v/pencabutan/{document.public_id}",
                    data={"category": "data_keliru", "reason": "Data pemegang tidak benar.", "reference": "KEP.1/BNSP/UJI"})
    assert revoked.status_code == 302
    db.session.refresh(document)
    assert document.revoked_at is not None
    # Published after the commit, before app one answers; app two's listener thread drops its copy
    # as the message arrives (well under a second even on a loaded machine).
    wait_until(lambda: "DICABUT" in requests.get(f"{two}/v/{document.public_id}").text, "revocation on app two",
               timeout=1)

    # Login throttling counts failures made on both apps.
    make_user("dua_aplikasi", ["cs"])
    for attempt in range(app.config["LOGIN_MAX_FAILURES"]):
        assert _login(cluster.apps[attempt % 2], "dua_aplikasi", "tebakan-salah").login_status in (401, 429)
    for base in cluster.apps:
        assert _login(base, "dua_aplikasi").login_status == 429

    # A document uploaded through one app downloads through the other, from the bucket.
    make_user("phu_dua", ["phu"])  # an incoming letter's scan: a plain upload slot
    lsp_one, lsp_two = _login(one, "phu_dua"), _login(two, "phu_dua")
    created = _post(lsp_one, one + "/kasus/baru", data={"flow": "SM", "title": "Surat masuk dua aplikasi"})
    number = created.headers["Location"].rsplit("/", 1)[1]
    work = db.session.scalar(select(WorkItem).where(WorkItem.state == "open", WorkItem.flow_code == "SM"))
    pdf = sample_pdf()
    uploaded = _post(lsp_one, f"{one}/kasus/{number}/kerja/{work.id}/unggah",
                     data={"code": "SURAT"}, files={"file": ("pindaian.pdf", pdf, "application/pdf")})
    assert uploaded.status_code == 302, uploaded.text[-500:]
    version = db.session.scalar(select(DocumentVersion).where(DocumentVersion.case_id == work.case_id))
    downloaded = lsp_two.get(f"{two}/kasus/{number}/dokumen/{version.id}")
    assert downloaded.status_code == 200 and downloaded.content == pdf
    bucket = boto3.client("s3", endpoint_url=cluster.endpoint, region_name="us-east-1",
                          aws_access_key_id="uji", aws_secret_access_key="uji")
    assert bucket.get_object(Bucket=cluster.bucket, Key=version.storage_key)["Body"].read() == pdf
    assert not any(p.is_file() for folder in cluster.folders for p in folder.rglob("*"))  # no local copies
