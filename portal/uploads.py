"""The one gate every uploaded file passes before anything parses or stores it: size, content
sniffing, PDF structure, no active content, no decompression bombs.

    uploads.check_pdf(data)          # raises UploadRefused(message, status) with a clear
                                     # Indonesian message and the HTTP status to answer with

Every upload point calls it: case document slots (cases.engine.upload_document), incoming-letter
scans and attachments, outgoing drafts and receipts (correspondence.common.check_uploads), and
the public upload-to-verify page (verification.upload, which adds its own signature checks).
"""
from __future__ import annotations

import io
import re
import zlib

from flask import current_app, has_app_context

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# Sum of all decompressed streams: a real scan or certificate inflates to a few MB; a "zip bomb"
# PDF (a tiny Flate stream that inflates to gigabytes) is refused before a parser touches it.
DEFAULT_MAX_INFLATED = 200 * 1024 * 1024
MAX_OBJECTS = 200_000  # objects walked looking for active content; more is refused as abnormal

MSG_EMPTY = "Berkas kosong. Pilih berkas PDF."
MSG_TOO_BIG = "Berkas terlalu besar: maksimal {} MB. Berkas tidak disimpan."
MSG_NOT_PDF = "Berkas bukan PDF. Unggah dokumen dalam format PDF."
MSG_TRUNCATED = "Berkas PDF terpotong atau rusak (tidak lengkap). Unduh ulang dokumen aslinya lalu coba lagi."
MSG_BOMB = "Berkas PDF berisi data terkompresi yang tidak wajar besarnya sehingga tidak diterima."
MSG_ENCRYPTED = "PDF terenkripsi atau berkata sandi tidak dapat diterima. Unggah PDF tanpa kata sandi."
MSG_BROKEN = "PDF rusak atau tidak lengkap sehingga tidak dapat dibaca."
MSG_NO_PAGES = "PDF tidak berisi halaman."
MSG_ACTIVE = ("PDF berisi konten aktif ({}) yang dapat menjalankan perintah saat dibuka, sehingga "
              "tidak diterima. Cetak ulang dokumen ke PDF biasa (mis. “Microsoft Print to PDF” atau "
              "“Simpan sebagai PDF”) lalu unggah lagi.")

_STREAM = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")

# Keys that carry active content wherever they appear (except as resource names, see below).
_ACTIVE_KEYS = {
    "/JavaScript": "JavaScript", "/JS": "JavaScript", "/AA": "tindakan otomatis",
    "/EmbeddedFiles": "berkas tersemat", "/EF": "berkas tersemat", "/RichMedia": "media aktif",
    "/RichMediaContent": "media aktif", "/XFA": "formulir XFA",
}
_ACTIVE_ACTIONS = {
    "/JavaScript": "JavaScript", "/Launch": "perintah Launch", "/ImportData": "impor data",
    "/RichMediaExecute": "media aktif", "/SubmitForm": "pengiriman formulir",
}
_ACTIVE_SUBTYPES = {"/RichMedia": "media aktif", "/EmbeddedFile": "berkas tersemat",
                    "/FileAttachment": "berkas tersemat", "/Movie": "media aktif", "/Sound": "media aktif"}
# Under these keys the dictionary keys are names a page gives its fonts, images, ... (a font may
# well be called /AA or /JS there); they are not actions.
_RESOURCE_CATEGORIES = {"/Font", "/XObject", "/ExtGState", "/ColorSpace", "/Pattern", "/Shading",
                        "/Properties"}


class UploadRefused(Exception):
    """The upload is not acceptable; ``message`` is for the user (Indonesian), ``status`` the
    HTTP status to answer with."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(message)
        self.message = message
        self.status = status


def max_bytes() -> int:
    if has_app_context():
        return int(current_app.config.get("UPLOAD_MAX_BYTES") or DEFAULT_MAX_BYTES)
    return DEFAULT_MAX_BYTES


def _max_inflated() -> int:
    if has_app_context():
        return int(current_app.config.get("UPLOAD_MAX_INFLATED") or DEFAULT_MAX_INFLATED)
    return DEFAULT_MAX_INFLATED


def check_pdf(data: bytes, *, limit: int | None = None, inflated_limit: int | None = None) -> None:
    """Refuse anything that is not a readable, unencrypted, passive PDF of acceptable size."""
    screen(data, limit=limit, inflated_limit=inflated_limit)
    reader = _open(data)
    try:
        pages = int(reader.root["/Pages"]["/Count"])
    except (KeyError, ValueError, TypeError, AttributeError):
        raise UploadRefused(MSG_BROKEN) from None
    if pages < 1:
        raise UploadRefused(MSG_NO_PAGES)
    refuse_active_content(reader)


def screen(data: bytes, *, limit: int | None = None, inflated_limit: int | None = None) -> None:
    """The checks before any parser: empty, too big, not a PDF, cut off, or with streams that
    inflate to an absurd size."""
    if not data:
        raise UploadRefused(MSG_EMPTY, 400)
    limit = limit or max_bytes()
    if len(data) > limit:
        raise UploadRefused(MSG_TOO_BIG.format(limit // (1024 * 1024)), 413)
    if b"%PDF-" not in data[:1024]:
        raise UploadRefused(MSG_NOT_PDF, 415)
    if b"%%EOF" not in data[-1024:]:
        raise UploadRefused(MSG_TRUNCATED, 422)
    budget = inflated_limit or _max_inflated()
    inflated = 0
    for match in _STREAM.finditer(data):
        start = match.end()
        end = data.find(b"endstream", start)
        if end < 0:
            raise UploadRefused(MSG_TRUNCATED, 422)
        inflated += _inflated_size(memoryview(data)[start:end], budget - inflated)
        if inflated > budget:
            raise UploadRefused(MSG_BOMB, 422)


def _inflated_size(chunk: memoryview, budget: int) -> int:
    """Bytes the chunk inflates to (0 if it is not zlib data), counting at most budget + 1."""
    if len(chunk) < 2 or chunk[0] & 0x0F != 8:  # zlib header: deflate method
        return 0
    inflater = zlib.decompressobj()
    total = 0
    try:
        out = inflater.decompress(chunk, 1 << 20)
        while True:
            total += len(out)
            if total > budget or not inflater.unconsumed_tail:
                break
            out = inflater.decompress(inflater.unconsumed_tail, 1 << 20)
    except zlib.error:
        return total
    return total


def _open(data: bytes):
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        encrypted = reader.encrypted
    except (PdfError, KeyError, ValueError, TypeError, IndexError, AttributeError, RecursionError):
        raise UploadRefused(MSG_BROKEN) from None
    if encrypted:
        raise UploadRefused(MSG_ENCRYPTED)
    return reader


def refuse_active_content(reader) -> None:
    """Walk every object reachable from the document catalog; refuse JavaScript, automatic
    actions (/AA, an /OpenAction that is more than "open at this page"), Launch, embedded files,
    rich media and XFA. A walk of the object graph, not a byte search: names inside compressed
    object streams and #-escaped names are seen as the viewer sees them."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.misc import PdfError

    seen: set[tuple[int, int]] = set()
    stack: list[tuple[object, str | None]] = [(reader.root, None)]
    walked = 0
    try:
        while stack:
            value, parent_key = stack.pop()
            if isinstance(value, generic.IndirectObject):
                ref = (value.idnum, value.generation)
                if ref in seen:
                    continue
                seen.add(ref)
                value = value.get_object()
            walked += 1
            if walked > MAX_OBJECTS:
                raise UploadRefused(MSG_BROKEN)
            if isinstance(value, generic.DictionaryObject):
                if parent_key not in _RESOURCE_CATEGORIES:
                    _check_dict(value, generic)
                for key in value.keys():
                    stack.append((value.raw_get(key), str(key)))
            elif isinstance(value, generic.ArrayObject):
                for index in range(len(value)):
                    stack.append((value.raw_get(index), parent_key))
    except UploadRefused:
        raise
    except (PdfError, KeyError, ValueError, TypeError, IndexError, AttributeError, RecursionError):
        raise UploadRefused(MSG_BROKEN) from None


def _check_dict(value, generic) -> None:
    for key in value.keys():
        what = _ACTIVE_KEYS.get(str(key))
        if what:
            raise UploadRefused(MSG_ACTIVE.format(what))
    action = value.get("/S") if "/S" in value else None
    if action is not None and str(action) in _ACTIVE_ACTIONS:
        raise UploadRefused(MSG_ACTIVE.format(_ACTIVE_ACTIONS[str(action)]))
    subtype = value.get("/Subtype") if "/Subtype" in value else None
    kind = value.get("/Type") if "/Type" in value else None
    for name in (subtype, kind):
        if name is not None and str(name) in _ACTIVE_SUBTYPES:
            raise UploadRefused(MSG_ACTIVE.format(_ACTIVE_SUBTYPES[str(name)]))
    if "/OpenAction" in value:
        opening = value["/OpenAction"]
        # An explicit destination ("open at page 1") is harmless and common; an action is not,
        # unless it is a plain GoTo.
        if isinstance(opening, generic.DictionaryObject) and str(opening.get("/S", "")) != "/GoTo":
            raise UploadRefused(MSG_ACTIVE.format("tindakan otomatis saat dibuka (OpenAction)"))
