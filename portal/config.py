"""Configuration: environment variables first, then an optional instance/config.py, then defaults.

With nothing set the portal runs on the embedded default: a SQLite file and local folders under
``instance/``, mails written to ``instance/outbox``.
"""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("PORTAL_INSTANCE_DIR", PROJECT_ROOT / "instance"))

ENV_KEYS = (
    "SECRET_KEY", "DATABASE_URL", "STORAGE_DIR", "REDIS_URL", "PUBLIC_BASE_URL",
    "MAIL_SERVER", "MAIL_PORT", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_USE_TLS",
    "MAIL_SENDER", "MAIL_OUTBOX_DIR",
    "SIGNING_BACKEND", "SIGNING_PKCS11_LIB", "SIGNING_PKCS11_TOKEN", "SIGNING_PKCS11_KEY",
    "SIGNING_PKCS11_PIN_FILE", "SIGNING_TTE_URL", "SIGNING_DIR", "SIGNING_LEASE_SECONDS", "SIGNING_CHUNK",
    "SIGNING_REVOCATION_INFO", "SIGNING_P12_PATH", "SIGNING_P12_PASSPHRASE_FILE", "SIGNING_TSA_URL",
    "SIGNING_ROOT_CERT_PATH", "SIGNING_TRUST_ROOTS", "OFFLINE_KEY_PATH", "VERIFY_MAX_BYTES", "VERIFY_MAX_INFLATED",
    "VERIFY_SEARCH_LIMIT", "VERIFY_UPLOAD_LIMIT", "PROXY_COUNT", "VERIFY_MEMORY_REGISTRY",
    "STORAGE_BACKEND", "S3_BUCKET", "S3_ENDPOINT_URL", "S3_REGION", "S3_PREFIX", "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY", "METRICS_TOKEN", "LOG_FORMAT",
    "UPLOAD_MAX_BYTES", "UPLOAD_MAX_INFLATED", "AUDIT_CHECKPOINT_DIR", "TIMER_DAYS",
    "ASSESSOR_REGISTRATION_FORMAT",
)
# Settings given as text in the environment that the code reads as numbers.
INT_KEYS = ("PROXY_COUNT", "MAIL_PORT", "SIGNING_LEASE_SECONDS", "SIGNING_CHUNK", "SIGNING_PROCESSES", "VERIFY_MAX_BYTES",
            "VERIFY_MAX_INFLATED", "VERIFY_SEARCH_LIMIT", "VERIFY_UPLOAD_LIMIT", "UPLOAD_MAX_BYTES",
            "UPLOAD_MAX_INFLATED")
# Keys published in this repository: a server running with one of them can be impersonated.
KNOWN_SECRET_KEYS = ("dev-only-secret-key-change-me", "test-secret-key")
MIN_PRODUCTION_KEY_LENGTH = 32


class UnsafeConfiguration(RuntimeError):
    """The portal refuses to start: the message says what to set."""


class Config:
    SECRET_KEY: str | None = None
    DATABASE_URL = f"sqlite:///{INSTANCE_DIR / 'portal.sqlite3'}"
    STORAGE_DIR = str(INSTANCE_DIR / "storage")
    STORAGE_BACKEND = "local"  # local | s3 (S3_BUCKET, S3_ENDPOINT_URL, S3_ACCESS_KEY_ID, ...)
    REDIS_URL: str | None = None
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"
    MAIL_SERVER: str | None = None
    MAIL_PORT = 587
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_USE_TLS = True
    MAIL_SENDER = "Portal BNSP <noreply@bnsp.go.id>"
    MAIL_OUTBOX_DIR = str(INSTANCE_DIR / "outbox")

    SIGNING_DIR = str(INSTANCE_DIR / "signing")
    SIGNING_P12_PATH: str | None = None
    SIGNING_P12_PASSPHRASE_FILE: str | None = None
    SIGNING_TSA_URL: str | None = None
    SIGNING_REVOCATION_INFO = False  # with a TSA: embed OCSP/CRL answers too (PAdES B-LT)
    SIGNING_ROOT_CERT_PATH: str | None = None  # default: the dev root made by `flask setup-signing`
    SIGNING_BACKEND = "pkcs12"  # pkcs12 | pkcs11 | tte
    SIGNING_PKCS11_LIB = "/usr/lib/softhsm/libsofthsm2.so"
    SIGNING_PKCS11_TOKEN: str | None = None
    SIGNING_PKCS11_KEY: str | None = None
    SIGNING_PKCS11_PIN_FILE: str | None = None
    SIGNING_TTE_URL: str | None = None
    SIGNING_PROCESSES = 2
    SIGNING_LEASE_SECONDS = 60

    METRICS_TOKEN: str | None = None  # bearer token Prometheus sends to GET /metrics
    LOG_FORMAT = "text"  # text | json (one JSON object per line, with the request id)
    # How the flows' timers read "N hari" (Lisensi: LKS findings closed within 15 hari): "kerja"
    # (working days by the portal's calendar, the default) or "kalender" (calendar days).
    TIMER_DAYS = "kerja"

    MAX_CONTENT_LENGTH = 25 * 1024 * 1024  # largest upload accepted, in bytes
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCK_MINUTES = 15
    LOGIN_CLIENT_MAX_FAILURES = 20  # per client address in the same window, over all accounts
    SESSION_MAX_HOURS = 12  # a login ends after this long, whatever the activity

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    TESTING = False


class DevelopmentConfig(Config):
    # A fixed dev key keeps sessions across restarts. It is public, so it is used only when
    # PORTAL_ENV=development is set explicitly; everything else refuses to start with it.
    SECRET_KEY = KNOWN_SECRET_KEYS[0]


class ProductionConfig(Config):
    LOG_FORMAT = "json"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    SESSION_COOKIE_SAMESITE = "Strict"
    PREFERRED_URL_SCHEME = "https"


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = KNOWN_SECRET_KEYS[1]
    DATABASE_URL = "sqlite://"
    PUBLIC_BASE_URL = "http://localhost"
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    ARGON2_PARALLELISM = 1


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}


def load_settings(config: type[Config] | dict | str | None) -> dict:
    """Merge defaults, instance/config.py, environment variables and explicit overrides."""
    if config is None or isinstance(config, str):
        # Without PORTAL_ENV the portal assumes production: development must be asked for.
        name = config or os.environ.get("PORTAL_ENV") or "production"
        if name not in CONFIGS:
            raise UnsafeConfiguration(f"PORTAL_ENV={name!r} is not one of {', '.join(CONFIGS)}")
        base: type[Config] = CONFIGS[name]
        overrides: dict = {}
    elif isinstance(config, dict):
        name = config.get("PORTAL_ENV", "testing" if config.get("TESTING") else "development")
        base = CONFIGS[name]
        overrides = config
    else:
        base, overrides = config, {}
        name = next((key for key, cls in CONFIGS.items() if issubclass(config, cls)), "production")

    settings = {key: getattr(base, key) for key in dir(base) if key.isupper()}
    instance_file = INSTANCE_DIR / "config.py"
    if instance_file.exists() and not settings.get("TESTING"):
        namespace: dict = {}
        exec(compile(instance_file.read_text(), str(instance_file), "exec"), namespace)
        settings.update({k: v for k, v in namespace.items() if k.isupper()})
    if not settings.get("TESTING"):
        for key in ENV_KEYS:
            if key in os.environ:
                settings[key] = os.environ[key]
    settings.update(overrides)
    for key in INT_KEYS:
        if isinstance(settings.get(key), str):
            settings[key] = int(settings[key])
    if isinstance(settings.get("MAIL_PORT"), str):
        settings["MAIL_PORT"] = int(settings["MAIL_PORT"])
    settings["PORTAL_ENV"] = name
    for key in ("SIGNING_REVOCATION_INFO", "VERIFY_MEMORY_REGISTRY"):
        if isinstance(settings.get(key), str):
            settings[key] = settings[key].lower() in ("1", "true", "yes")
    if isinstance(settings.get("MAIL_USE_TLS"), str):
        settings["MAIL_USE_TLS"] = settings["MAIL_USE_TLS"].lower() in ("1", "true", "yes")
    return settings


def refuse_unsafe(settings: dict) -> None:
    """Outside explicit development or testing, a missing, published or short SECRET_KEY stops
    the start: anyone could forge a session cookie (an admin's) with it."""
    if settings.get("PORTAL_ENV") in ("development", "testing"):
        return
    key = settings.get("SECRET_KEY") or ""
    if not key:
        raise UnsafeConfiguration(
            "SECRET_KEY is not set. Set it in the environment or instance/config.py (e.g. "
            "python -c 'import secrets; print(secrets.token_hex(32))'), or set PORTAL_ENV=development "
            "on a development machine.")
    if key in KNOWN_SECRET_KEYS:
        raise UnsafeConfiguration("SECRET_KEY is the published development key; set a secret one.")
    if len(key) < MIN_PRODUCTION_KEY_LENGTH:
        raise UnsafeConfiguration(f"SECRET_KEY is too short: at least {MIN_PRODUCTION_KEY_LENGTH} characters.")
