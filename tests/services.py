"""Real service processes the tests start on 127.0.0.1 (random free ports) and stop afterwards:
an S3-protocol server (moto's standalone server) and a private redis-server. Nothing touches a
developer's own Redis or buckets."""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if check():
                return
        except Exception:  # noqa: BLE001 - not up yet
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start within {timeout:.0f} s")
        time.sleep(0.1)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def s3_server(log_path):
    """moto's S3 server; yields its endpoint URL (any access key is accepted)."""
    port = free_port()
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                                   stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: urllib.request.urlopen(url + "/", timeout=1).status == 200, "moto S3 server")
        yield url
    finally:
        _stop(process)


@contextmanager
def redis_server(workdir):
    """A private redis-server (no persistence) on a free port; yields its URL (database 0)."""
    exe = shutil.which("redis-server")
    if exe is None:
        raise RuntimeError("redis-server is not installed: run scripts/setup.sh (it installs it)")
    port = free_port()
    process = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(workdir)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    try:
        client = redis.Redis(port=port)
        wait_until(client.ping, "redis-server")
        client.close()
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        _stop(process)


def make_bucket(endpoint: str, name: str) -> None:
    import boto3

    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="uji",
                 aws_secret_access_key="uji").create_bucket(Bucket=name)


S3_CREDENTIALS = {"S3_ACCESS_KEY_ID": "uji", "S3_SECRET_ACCESS_KEY": "uji", "S3_REGION": "us-east-1"}
