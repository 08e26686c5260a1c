"""The embedded default's signing key: a local test CA and a PKCS#12 signing certificate."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import current_app

from portal.signing.devpki import DevPki, create_dev_pki


def ensure_dev_signing() -> DevPki:
    directory = Path(current_app.config["SIGNING_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    passphrase_file = Path(current_app.config.get("SIGNING_P12_PASSPHRASE_FILE") or directory / "p12-passphrase")
    if not passphrase_file.exists():
        # Server configuration (like a database password), readable only by the portal's user.
        fd = os.open(passphrase_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(24))
    return create_dev_pki(directory, passphrase_file.read_text().strip())
