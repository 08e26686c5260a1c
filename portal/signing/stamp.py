"""The visible e-signature stamp: a QR code to the verification page, who signed, and when (WIB).

The text is set in an embedded OpenType font (Liberation Sans, the documents' sans face). pyHanko's
default stamp font is an unembedded Courier, which archival PDF (PDF/A) forbids and which viewers
substitute at will. The font is cut down once per process to the Latin glyphs a stamp can show and scaled to 1000
units per em, so embedding it costs little per signature and pyHanko's glyph widths come out right.
"""
from __future__ import annotations

import copy
import weakref
import zlib
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.api import FontEngine
from pyhanko.pdf_utils.font.opentype import CIDFontType2, GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.pdf_utils.writer import PdfFileWriter, init_xobject_dictionary
from pyhanko.stamp import QRStampStyle
from pyhanko.stamp.qr import QRStamp

from portal.core.dates import format_date_id, to_wib
from portal.signing.qr_code import qr_drawing

STAMP_FONT = Path(__file__).resolve().parents[2] / "static" / "fonts" / "LiberationSans-Regular.ttf"
STAMP_FONT_SIZE = 8
# Short lines keep the text narrow, so the QR code can take the stamp's full height even in
# the templates' small reserved boxes (about 170 x 74 pt).
STAMP_TEXT = (
    "Ditandatangani secara\n"
    "elektronik oleh\n"
    "%(signer)s\n"
    "%(ts)s"
)
# pyHanko renders %(ts)s with this format; we parse it back and show it in WIB, in Indonesian.
TS_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


@lru_cache(maxsize=4)
def _latin_font(path: Path = STAMP_FONT) -> bytes:
    """The stamp font (or another face, e.g. the bold one for a bold number line) reduced to
    printable Latin-1 and common punctuation (names, dates, numbers)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    font = TTFont(str(path))
    options = subset.Options(layout_features=["kern"], name_IDs=[1, 2, 3, 4, 6], notdef_outline=True)
    options.drop_tables += ["FFTM", "DSIG"]
    subsetter = subset.Subsetter(options)
    codepoints = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100)) | {0x2013, 0x2014, 0x2018, 0x2019,
                                                                       0x201C, 0x201D, 0x2026}
    subsetter.populate(unicodes=codepoints)
    subsetter.subset(font)
    # pyHanko writes the glyph advances unscaled into the PDF's /W array, which is in 1/1000 em:
    # a 2048-unit TrueType font would set every letter twice as wide as drawn.
    scale_upem(font, 1000)
    out = BytesIO()
    font.save(out)
    return out.getvalue()


class _SharedFontAccumulator(GlyphAccumulator):
    """Looks glyph widths up, and shapes a line of stamp text, once per process: the same lines
    ("Ditandatangani secara", the signer's name) recur on every document of a batch."""

    _widths: dict[int, tuple[int, int]]
    _shapes: dict[tuple[str, bool], tuple]
    SHAPES_KEPT = 4096

    def shape(self, txt: str, with_actual_text: bool = True):
        key = (txt, with_actual_text)
        hit = self._shapes.get(key)
        if hit is None:
            # Shape on empty glyph records to learn exactly what this line adds to them.
            own = self._glyphs, self._cid_to_unicode
            self._glyphs, self._cid_to_unicode = {}, {}
            try:
                hit = (super().shape(txt, with_actual_text), self._glyphs, self._cid_to_unicode)
            finally:
                self._glyphs, self._cid_to_unicode = own
            if len(self._shapes) < self.SHAPES_KEPT:
                self._shapes[key] = hit
        result, glyphs, to_unicode = hit
        self._glyphs.update(glyphs)
        self._cid_to_unicode.update(to_unicode)
        return result

    def _get_cid_and_width(self, glyph_id: int) -> tuple[int, int]:
        found = self._glyphs.get(glyph_id)
        if found is None:
            found = self._widths.get(glyph_id)
            if found is None:
                found = self._widths[glyph_id] = super()._get_cid_and_width(glyph_id)
            self._glyphs[glyph_id] = found
        return found


@lru_cache(maxsize=8)
def _prototype(font_size: float, path: Path = STAMP_FONT) -> GlyphAccumulator:
    """One parsed copy of the prepared font per process (HarfBuzz face, fontTools tables).

    Parsing it costs a few milliseconds; every stamp shares it read-only, so its lazy caches are
    filled here, before any sharing.
    """
    proto = _SharedFontAccumulator(writer=PdfFileWriter(stream_xrefs=False), font_handle=BytesIO(_latin_font(path)),
                                   font_size=font_size, ot_script_tag="latn", writing_direction="ltr")
    proto._widths, proto._shapes = {}, {}
    _ = proto._reverse_cmap
    return proto


def _accumulator(writer, font_size: float, obj_stream, path: Path = STAMP_FONT) -> GlyphAccumulator:
    """A glyph accumulator for one signature, sharing the prototype's parsed font.

    Its glyphs and font objects belong to ``writer``; the font program is embedded as prepared
    (pyHanko would subset and re-serialise it for every signature, about 17 ms, four times the
    rest of the stamp; the prepared font is already small).
    """
    proto = _prototype(font_size, path)
    engine = copy.copy(proto)
    base_ps_name = proto.cidfont_obj.name.split("+", 1)[1]
    FontEngine.__init__(engine, writer, base_ps_name, embedded_subset=True, obj_stream=obj_stream,
                        font_size=font_size)
    engine._font_ref = writer.allocate_placeholder()
    engine.cidfont_obj = cidfont = CIDFontType2(proto.tt, base_ps_name, engine.subset_prefix)
    engine._glyphs, engine._cid_to_unicode = {}, {}
    engine._subset_created, engine._write_prepared = True, False  # glyph ids stay the prepared font's

    def set_font_file(target_writer):
        # One copy of each font program per document: the stamp and the number set in the same
        # face share it (a letter's update was two identical 23 KB streams before).
        files = _font_files.setdefault(target_writer, {})
        ref = files.get(path)
        if ref is None:
            stream = generic.StreamObject({generic.NameObject("/Filter"): generic.NameObject("/FlateDecode")},
                                          encoded_data=_latin_font_deflated(path))
            ref = files[path] = target_writer.add_object(stream)
        cidfont._font_descriptor[generic.NameObject("/FontFile2")] = ref
        return ref

    cidfont.set_font_file = set_font_file
    return engine


# writer -> {font path -> reference of its embedded font program}
_font_files: "weakref.WeakKeyDictionary[object, dict[Path, object]]" = weakref.WeakKeyDictionary()


@lru_cache(maxsize=4)
def _latin_font_deflated(path: Path = STAMP_FONT) -> bytes:
    return zlib.compress(_latin_font(path), 9)


@dataclass(frozen=True)
class _EmbeddedFontFactory(GlyphAccumulatorFactory):
    """GlyphAccumulatorFactory handing out accumulators over the prepared font (see _accumulator)."""

    def create_font_engine(self, writer, obj_stream=None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        return _accumulator(writer, self.font_size, obj_stream)


STAMP_TEXT_STYLE = TextBoxStyle(
    font=_EmbeddedFontFactory(str(STAMP_FONT), font_size=STAMP_FONT_SIZE),
    font_size=STAMP_FONT_SIZE, leading=10)


class _BnspQRStamp(QRStamp):
    def _qr_xobject(self):
        # Every document's verification URL is its own: nothing to cache across documents.
        commands, size = qr_drawing(self.url)
        xobj = init_xobject_dictionary(commands, size, size)
        xobj.compress()
        return self.writer.add_object(xobj), size


@dataclass(frozen=True)
class BnspQRStampStyle(QRStampStyle):
    """QR stamp pointing at the document's verification page, with the time in WIB."""

    verify_url: str = ""
    stamp_text: str = STAMP_TEXT
    timestamp_format: str = TS_FORMAT
    border_width: int = 1
    text_box_style: TextBoxStyle = STAMP_TEXT_STYLE

    def create_stamp(self, writer, box, text_params):
        params = dict(text_params)
        params.setdefault("url", self.verify_url)
        ts = params.get("ts")
        if ts:
            try:
                when = to_wib(datetime.strptime(ts, TS_FORMAT))
                params["ts"] = f"{format_date_id(when)}\npukul {when:%H.%M} WIB"
            except ValueError:
                pass  # caller supplied its own text; show it as given
        return _BnspQRStamp(writer, style=self, url=params.pop("url"), text_params=params,
                            box=box)
