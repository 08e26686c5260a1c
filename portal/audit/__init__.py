"""Audit trail: an append-only, hash-chained record of who did what, when, to which record."""
