"""The one argon2 hasher for passwords and signing PINs (RFC 9106 low-memory profile in production;
tests turn the cost down through ARGON2_* settings)."""
from __future__ import annotations

from argon2 import PasswordHasher
from flask import current_app


def hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(time_cost=config.get("ARGON2_TIME_COST", 3),
                          memory_cost=config.get("ARGON2_MEMORY_COST", 65536),
                          parallelism=config.get("ARGON2_PARALLELISM", 4))
