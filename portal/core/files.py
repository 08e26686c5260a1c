"""File names shown to people and used in downloads: kept readable, stripped of anything unsafe."""
from __future__ import annotations


def clean_filename(name: str | None, default: str = "dokumen.pdf") -> str:
    kept = "".join(c for c in (name or "") if c.isalnum() or c in " ._-()").strip()
    return (kept or default)[:200]
