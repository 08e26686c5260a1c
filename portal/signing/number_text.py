"""Writing the official number into a generated draft just before it is signed.

The draft was rendered with a placeholder ("……/BNSP/…") wherever the number stands; the renderer
recorded those places (portal.documents.pdf.NumberBox, stored on the DocumentVersion). Signing
takes the placeholder's glyphs out of the page (so copied or extracted text reads the number only),
paints white over its box (in case a viewer kept anything), and sets the number there in the
documents' own face (Liberation Sans, embedded), as an incremental update, so the signature that
follows seals the number too.
"""
from __future__ import annotations

import re
from collections import defaultdict
from io import BytesIO
from pathlib import Path

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from portal.signing.stamp import STAMP_FONT, _accumulator, _prototype

BOLD_FONT = STAMP_FONT.with_name("LiberationSans-Bold.ttf")
# Shaping needs some size; glyph positions come out in thousandths of an em whatever it is, and
# the content stream sets the real size per place with Tf.
_SHAPE_SIZE = 10
_PAD = 0.6  # points of white beyond the placeholder's box, against anti-aliased edges


# WeasyPrint sets each text box with its own text matrix, in CSS px: "1 0 0 -1 x y Tm", then an
# optional font change, then one TJ array (hex glyph strings and kerning numbers, no "]").
_TEXT_RUN = re.compile(rb"1 0 0 -1 (-?[\d.]+) (-?[\d.]+) Tm\n(?:/[^\s/]+ [\d.]+ Tf\n)?(\[[^\]]*\]) TJ")


def prepare_fonts() -> None:
    """Load both number faces now (a signing process at start-up): the first number written in a
    batch then does not wait for the bold face to be cut down and parsed (about 0.1 s)."""
    for path in (STAMP_FONT, BOLD_FONT):
        _prototype(_SHAPE_SIZE, path)


def _drop_placeholders(writer, page_index: int, origins: list[tuple[float, float]]) -> None:
    """Empty the TJ arrays that drew the placeholders (found by their text origin)."""
    page_ref, _resources = writer.find_page_for_modification(page_index)
    contents_ref = page_ref.get_object().raw_get("/Contents")
    if not isinstance(contents_ref, generic.IndirectObject):
        return
    stream = contents_ref.get_object()
    if not isinstance(stream, generic.StreamObject):
        return
    data = stream.data
    cuts = [m.span(3) for m in _TEXT_RUN.finditer(data)
            if any(abs(float(m.group(1)) - x) < 0.01 and abs(float(m.group(2)) - y) < 0.01 for x, y in origins)]
    if not cuts:
        return
    parts, last = [], 0
    for start, end in cuts:
        parts += [data[last:start], b"[]"]
        last = end
    parts.append(data[last:])
    stream._data, stream._encoded_data = b"".join(parts), None  # re-encoded with its own filter
    writer.mark_update(contents_ref)


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _centred(box: dict) -> bool:
    return box.get("align") == "center" and box.get("centre") is not None


def _runs(box: dict, number: str) -> list[tuple[str, bool, float, float]]:
    """(text, bold, size, letter spacing) of what is written at this box, in reading order: the
    number, and for a centred line the text around it too."""
    own = (number, bool(box.get("bold")), float(box["size"]), float(box.get("spacing") or 0))
    if not _centred(box):
        return [own]
    around = [(run["text"], bool(run["bold"]), float(run["size"]), float(run.get("spacing") or 0), run["before"])
              for run in box["line"]]
    return [r[:4] for r in around if r[4]] + [own] + [r[:4] for r in around if not r[4]]


def write_number(data: bytes, boxes: list[dict], number: str) -> bytes:
    """``data`` with ``number`` written over every placeholder in ``boxes`` (as stored), as an
    incremental update of its own (the national TTE service signs the bytes it is sent)."""
    if not boxes or not number:
        return data
    writer = IncrementalPdfFileWriter(BytesIO(data))
    # The signature's own update, next, sets the modification date and XMP metadata; doing it
    # here too would only cost time (about a fifth of this step).
    writer._update_meta = lambda: None
    write_number_into(writer, boxes, number)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def write_number_into(writer: IncrementalPdfFileWriter, boxes: list[dict], number: str) -> None:
    """Write ``number`` over every placeholder in ``boxes`` into the pending update of ``writer``:
    signing on this machine writes the number and the signature in one update (the document is
    parsed and written once), and the signature seals the number with everything else."""
    if not boxes or not number:
        return
    fonts: dict[Path, object] = {}

    def font(bold: bool, page_index: int) -> tuple[str, object]:
        path = BOLD_FONT if bold else STAMP_FONT
        if path not in fonts:
            fonts[path] = _accumulator(writer, _SHAPE_SIZE, None, path)
        # Pages may share one resource dictionary: a name per page and face never collides.
        return f"/BnspNum{page_index}{'B' if bold else 'R'}", fonts[path]

    by_page: dict[int, list[dict]] = defaultdict(list)
    for box in boxes:
        by_page[int(box["page"])].append(box)
    for page_index, page_boxes in sorted(by_page.items()):
        origins = [tuple(box["origin"]) for box in page_boxes if box.get("origin")]
        origins += [tuple(run["origin"]) for box in page_boxes if _centred(box) for run in box["line"]]
        _drop_placeholders(writer, page_index, origins)
        ops, used = [], {}
        for box in page_boxes:
            x1, y1, x2, y2 = (float(v) for v in box["box"])
            runs = _runs(box, number)
            if _centred(box):
                # The whole line is set again around its centre: white over all of it, then its runs.
                x1 = min([x1, *(float(run["x"][0]) for run in box["line"])])
                x2 = max([x2, *(float(run["x"][1]) for run in box["line"])])
            shaped = []
            for text, bold, size, spacing in runs:
                name, engine = font(bold, page_index)
                used[name] = engine
                result = engine.shape(text)
                shaped.append((name, size, spacing, result, result.x_advance * size + spacing * len(text)))
            x = float(box["centre"]) - sum(s[4] for s in shaped) / 2 if _centred(box) else x1
            op = f"1 g {_fmt(x1 - _PAD)} {_fmt(y1 - _PAD)} {_fmt(x2 - x1 + 2 * _PAD)} {_fmt(y2 - y1 + 2 * _PAD)} re f 0 g"
            parts = [op.encode()]
            for name, size, spacing, result, width in shaped:
                parts.append(f"BT {name} {_fmt(size)} Tf {_fmt(spacing)} Tc {_fmt(x)} {_fmt(float(box['baseline']))} Td "
                             .encode() + result.graphics_ops + b" ET")
                x += width
            ops.append(b" ".join(parts))
        # The page's own streams may leave a transformed graphics state behind: wrap them in q/Q.
        writer.add_stream_to_page(page_index, writer.add_object(generic.StreamObject(stream_data=b"q\n")),
                                  prepend=True)
        stream = generic.StreamObject(stream_data=b"Q\nq\n" + b"\n".join(ops) + b"\nQ\n")
        stream.compress()
        resources = generic.DictionaryObject({generic.NameObject("/Font"): generic.DictionaryObject(
            {generic.NameObject(name): engine.as_resource() for name, engine in used.items()})})
        writer.add_stream_to_page(page_index, writer.add_object(stream), resources=resources)
    _title_with_number(writer, number)


# The placeholder in a document's title: the run of non-space text holding the dots ("KEP.……/BNSP/XI/2026");
# the templates put the number last ("<Hal> — <nomor>"), after anything a drafter typed.
_TITLE_PLACEHOLDER = re.compile(r"\S*……\S*")


def _title_with_number(writer, number: str) -> None:
    """The document's Title names the number instead of its placeholder, in the Info dictionary and
    the XMP metadata alike (PDF/A wants both to say the same; the signature's update keeps both)."""
    from xml.sax.saxutils import escape

    info_ref = writer.trailer.raw_get("/Info") if "/Info" in writer.trailer else None
    info = info_ref.get_object() if info_ref is not None else None
    if info is None or "/Title" not in info or "/Metadata" not in writer.root:
        return
    title = str(info["/Title"])
    found = list(_TITLE_PLACEHOLDER.finditer(title))
    titled = title[:found[-1].start()] + number + title[found[-1].end():] if found else title
    metadata_ref = writer.root.raw_get("/Metadata")
    # Read through the root, as pyHanko's own metadata update does: the stream then loads as its
    # XMP stream class, which that update amends instead of replacing (the PDF/A marks stay).
    metadata = writer.root["/Metadata"]
    xmp = metadata.data
    old, new = escape(title).encode(), escape(titled).encode()
    if titled == title or xmp.count(old) != 1:
        return  # nothing to name, or an XMP this code does not know: both left as they agree
    info["/Title"] = generic.TextStringObject(titled)
    if isinstance(info_ref, generic.IndirectObject):
        writer.mark_update(info_ref)
    else:
        writer.update_container(info)
    metadata._data, metadata._encoded_data = xmp.replace(old, new), None
    if hasattr(metadata, "_xmp"):
        metadata._xmp = None  # parsed again from the new bytes if anyone asks
    writer.mark_update(metadata_ref)
