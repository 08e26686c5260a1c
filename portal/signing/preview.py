"""Document previews as page images, so a document shows inline on every screen (phone browsers
show no PDF inside a page). Rendered once per document version by poppler and kept on disk."""
from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

from flask import current_app

from portal import storage
from portal.cases.models import DocumentVersion

PREVIEW_WIDTH = 1000  # px: sharp on a desktop column, scaled down on a phone
MAX_PAGES = 20


def _cache_dir() -> Path:
    path = Path(current_app.instance_path) / "preview-cache"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _source(version: DocumentVersion, work: Path) -> Path:
    """The PDF as a local file for poppler, whichever storage backend holds it."""
    path = work / "dokumen.pdf"
    path.write_bytes(storage.read_bytes(version.storage_key))
    return path


def page_count(version: DocumentVersion) -> int:
    marker = _cache_dir() / f"{version.sha256}.pages"
    if marker.exists():
        return int(marker.read_text())
    with tempfile.TemporaryDirectory(dir=_cache_dir()) as work:
        result = subprocess.run(["pdfinfo", str(_source(version, Path(work)))],
                                capture_output=True, text=True, timeout=30, check=False)
    found = re.search(r"^Pages:\s+(\d+)", result.stdout, re.MULTILINE)
    pages = min(int(found.group(1)), MAX_PAGES) if found else 1
    marker.write_text(str(pages))
    return pages


def page_png(version: DocumentVersion, page: int) -> Path | None:
    """The page as a PNG (None when the page does not exist or poppler cannot render it)."""
    if not 1 <= page <= page_count(version):
        return None
    target = _cache_dir() / f"{version.sha256}-{page}.png"
    if target.exists():
        return target
    with tempfile.TemporaryDirectory(dir=_cache_dir()) as work:
        prefix = Path(work) / "page"
        subprocess.run(["pdftoppm", "-png", "-singlefile", "-f", str(page), "-l", str(page),
                        "-scale-to-x", str(PREVIEW_WIDTH), "-scale-to-y", "-1",
                        str(_source(version, Path(work))), str(prefix)],
                       capture_output=True, timeout=60, check=False)
        rendered = prefix.with_suffix(".png")
        if not rendered.exists():
            return None
        rendered.replace(target)  # atomic: a concurrent request sees the whole file or none
    return target
