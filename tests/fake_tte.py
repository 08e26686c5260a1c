"""A small fake of the national TTE remote-signing service, for tests and demos only.

Modelled on the shape of BSrE's remote-signing API (an official signs with NIK + passphrase; the
key never leaves the service). The endpoint names and JSON fields below are ours; the real
contract comes from the provider's integration documents.

    GET  /api/v2/user/certificate?nik=<NIK>
         200 {"nik": ..., "certificateChain": [base64 DER, signer first]}
    POST /api/v2/sign/hash
         body {"nik", "passphrase", "hash": base64 digest, "hashAlgorithm": "SHA256"}
         200 {"signature": base64 RSA PKCS#1 v1.5, "certificateChain": [...]}

Errors are JSON ``{"status_code": <int>, "error": "<pesan>"}`` with the HTTP status: 400 bad
request, 401 "Passphrase salah", 404 "NIK tidak terdaftar", 503 when an outage is simulated.

Standalone: ``python -m tests.fake_tte --port 8089 [--ca-out root.pem]``.
"""
from __future__ import annotations

import argparse
import base64
import hmac
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils

from portal.signing import devpki
from portal.signing.tte import CERTIFICATE_PATH, SIGN_HASH_PATH

DEMO_NIK = "3174000000000001"
DEMO_PASSPHRASE = "rahasia-demo"  # demo only: a real passphrase never appears in code


@dataclass
class FakeTteIdentity:
    """The one official the fake service can sign for."""

    nik: str
    passphrase: str
    key: rsa.RSAPrivateKey
    chain: list[x509.Certificate]  # signer first, then issuers up to the root

    def chain_b64(self) -> list[str]:
        return [base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode()
                for c in self.chain]


@dataclass
class FakeTteBehaviour:
    """Knobs a test turns to simulate an unhealthy service."""

    outage_status: int | None = None  # answer every request with this 5xx status
    delay_seconds: float = 0.0  # sleep before answering, to trigger client timeouts
    corrupt_signatures: bool = False  # answer 200 with a signature that does not verify
    sign_calls: int = field(default=0)


def make_demo_identity(nik: str = DEMO_NIK, passphrase: str = DEMO_PASSPHRASE,
                       name: str = "Ketua BNSP (TTE DEV)") -> FakeTteIdentity:
    """A fresh in-memory CA ("BSrE" stand-in) and a signer certificate for ``nik``."""
    root = devpki.make_root_ca("BSrE Dev Root CA (palsu)")
    signer = devpki.issue_cert(root, name)
    return FakeTteIdentity(nik, passphrase, signer.key, [signer.cert, root.cert])


def _handler_class(identity: FakeTteIdentity,
                   behaviour: FakeTteBehaviour) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "FakeTTE/1.0"

        def log_message(self, format: str, *args: object) -> None:
            # Silent: request bodies carry the passphrase and must never reach a log.
            pass

        def _reply(self, status: int, payload: dict) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _error(self, status: int, message: str) -> None:
            self._reply(status, {"status_code": status, "error": message})

        def _unhealthy(self) -> bool:
            if behaviour.delay_seconds:
                time.sleep(behaviour.delay_seconds)
            if behaviour.outage_status:
                self._error(behaviour.outage_status, "Layanan sedang dalam pemeliharaan")
                return True
            return False

        def do_GET(self) -> None:  # noqa: N802 (http.server naming)
            if self._unhealthy():
                return
            url = urlsplit(self.path)
            if url.path != CERTIFICATE_PATH:
                return self._error(404, "Endpoint tidak ditemukan")
            nik = parse_qs(url.query).get("nik", [""])[0]
            if nik != identity.nik:
                return self._error(404, "NIK tidak terdaftar")
            self._reply(200, {"nik": nik, "certificateChain": identity.chain_b64()})

        def do_POST(self) -> None:  # noqa: N802
            if self._unhealthy():
                return
            if urlsplit(self.path).path != SIGN_HASH_PATH:
                return self._error(404, "Endpoint tidak ditemukan")
            try:
                length = int(self.headers.get("Content-Length", "0"))
                data = json.loads(self.rfile.read(length))
                nik, passphrase = str(data["nik"]), str(data["passphrase"])
                digest = base64.b64decode(data["hash"], validate=True)
                algorithm = str(data.get("hashAlgorithm", "SHA256")).upper()
            except (ValueError, KeyError, TypeError):
                return self._error(400, "Permintaan tidak valid")
            if algorithm != "SHA256" or len(digest) != 32:
                return self._error(400, "Algoritma hash tidak didukung")
            if nik != identity.nik:
                return self._error(404, "NIK tidak terdaftar")
            if not hmac.compare_digest(passphrase.encode(), identity.passphrase.encode()):
                return self._error(401, "Passphrase salah")
            behaviour.sign_calls += 1
            signature = identity.key.sign(
                digest, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))
            if behaviour.corrupt_signatures:
                signature = bytes([signature[0] ^ 0xFF]) + signature[1:]
            self._reply(200, {"signature": base64.b64encode(signature).decode(),
                              "certificateChain": identity.chain_b64()})

    return Handler


def make_server(identity: FakeTteIdentity, behaviour: FakeTteBehaviour | None = None, *,
                host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """Bind the fake service (port 0: any free port) without starting it."""
    handler = _handler_class(identity, behaviour or FakeTteBehaviour())
    return ThreadingHTTPServer((host, port), handler)


def start_fake_tte(identity: FakeTteIdentity | None = None,
                   behaviour: FakeTteBehaviour | None = None, *,
                   host: str = "127.0.0.1", port: int = 0) -> tuple[str, Callable[[], None]]:
    """Run the fake service in a daemon thread; returns its base URL and a stop function."""
    server = make_server(identity or make_demo_identity(), behaviour, host=host, port=port)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="fake-tte", daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    bound_host, bound_port = server.server_address[:2]
    return f"http://{bound_host}:{bound_port}", stop


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fake TTE remote-signing service (dev only).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument("--nik", default=DEMO_NIK)
    parser.add_argument("--passphrase", default=DEMO_PASSPHRASE)
    parser.add_argument("--ca-out", type=Path, help="write the fake root CA (PEM) here")
    args = parser.parse_args(argv)

    identity = make_demo_identity(args.nik, args.passphrase)
    if args.ca_out:
        args.ca_out.write_bytes(identity.chain[-1].public_bytes(serialization.Encoding.PEM))
    server = make_server(identity, host=args.host, port=args.port)
    print(f"Fake TTE on http://{args.host}:{server.server_address[1]} for NIK {args.nik}",
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
