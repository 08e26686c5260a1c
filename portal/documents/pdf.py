"""Render official BNSP documents to PDF (Jinja templates in templates/pdf → WeasyPrint) and find
the reserved signature space, in PDF points, where the e-signature stamp goes.
"""
from __future__ import annotations

import re
import threading
import warnings
from dataclasses import dataclass
from datetime import date
from functools import cache, partial
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from portal.core.dates import DAYS_ID, MONTHS_ID, format_date_id
from portal.documents.contexts import (
    BeritaAcaraContext, CertificateContext, DisposisiContext, LetterContext, SkContext,
    SptContext, UndanganContext,
)

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIR = ROOT / "templates" / "pdf"
STATIC_DIR = ROOT / "static"
PDF_CSS_DIR = STATIC_DIR / "pdf"

# Archival PDF (fonts embedded, sRGB output intent, XMP metadata). pyHanko signs by incremental
# update, which leaves the PDF/A part of the file as it was.
PDF_VARIANT = "pdf/a-2b"
PT_PER_CSS_PX = 0.75  # CSS defines 96 px per inch, PDF 72 pt per inch
SIGNATURE_BOX_ID = "signature-box"  # further signatories: signature-box-2, signature-box-3, ...
NUMBER_ANCHOR = "docnum"  # every <span class="docnum"> becomes docnum-1, docnum-2, ... when rendered
_NUMBER_SPAN = re.compile(r'<span class="docnum">')


@dataclass(frozen=True)
class SignatureBox:
    """Reserved signature space in PDF user space (points, origin bottom-left of the page)."""

    page_index: int
    x1: float
    y1: float
    x2: float
    y2: float

    @property
    def box(self) -> tuple[float, float, float, float]:
        """As pyHanko wants it: `SigFieldSpec(..., on_page=page_index, box=box)`."""
        return (self.x1, self.y1, self.x2, self.y2)


@dataclass(frozen=True)
class NumberBox:
    """Where the document shows its number placeholder (points, origin bottom-left), and how the
    text there is set, so signing can write the official number over it."""

    page_index: int
    x1: float
    y1: float
    x2: float
    y2: float
    baseline: float  # y of the text's baseline
    font_size: float  # points
    bold: bool = False
    letter_spacing: float = 0.0  # points
    # Where WeasyPrint set the placeholder's text (CSS px from the top-left, as in its content
    # stream's text matrix), so signing can take the placeholder's glyphs out.
    text_origin: tuple[float, float] | None = None
    # A placeholder on a centred line ("NOMOR KEP.……/BNSP/…" under the SK's title): the line's
    # centre (points) and its other text runs, so signing sets the whole line again, centred,
    # instead of a number narrower than its placeholder leaving the line off-centre.
    align: str = "left"
    centre: float | None = None
    line: tuple[LineRun, ...] = ()

    def as_json(self) -> dict:
        data = {"page": self.page_index, "box": [self.x1, self.y1, self.x2, self.y2], "baseline": self.baseline,
                "size": self.font_size, "bold": self.bold, "spacing": self.letter_spacing,
                "origin": list(self.text_origin) if self.text_origin else None}
        if self.align == "center":
            data.update(align="center", centre=self.centre, line=[run.as_json() for run in self.line])
        return data


@dataclass(frozen=True)
class LineRun:
    """Text beside a centred number placeholder on its line (e.g. "NOMOR "), as WeasyPrint set it."""

    text: str
    before: bool  # stands before the number (else after it)
    x1: float  # points
    x2: float
    font_size: float
    bold: bool
    letter_spacing: float
    text_origin: tuple[float, float]  # CSS px, as in the content stream

    def as_json(self) -> dict:
        return {"text": self.text, "before": self.before, "x": [self.x1, self.x2], "size": self.font_size,
                "bold": self.bold, "spacing": self.letter_spacing, "origin": list(self.text_origin)}


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    page_count: int
    signature_box: SignatureBox  # where the signing official's stamp goes
    signature_boxes: tuple[SignatureBox, ...] = ()  # every reserved space, the primary first
    number_boxes: tuple[NumberBox, ...] = ()  # every place the number stands (line, annex, footers)

    @property
    def number_boxes_json(self) -> list[dict]:
        """As stored on the draft's DocumentVersion.number_boxes."""
        return [box.as_json() for box in self.number_boxes]


@dataclass(frozen=True)
class _Kind:
    template: str
    context_type: type
    stylesheets: tuple[str, ...]


_PORTRAIT = ("fonts.css", "document.css")
KINDS: dict[str, _Kind] = {
    "letter": _Kind("letter.html", LetterContext, _PORTRAIT),
    "undangan": _Kind("undangan.html", UndanganContext, _PORTRAIT),
    "spt": _Kind("spt.html", SptContext, _PORTRAIT),
    "sk": _Kind("sk.html", SkContext, _PORTRAIT),
    "berita_acara": _Kind("berita_acara.html", BeritaAcaraContext, _PORTRAIT),
    "lembar_disposisi": _Kind("lembar_disposisi.html", DisposisiContext, _PORTRAIT),
    "certificate": _Kind("certificate.html", CertificateContext, ("fonts.css", "certificate.css")),
}


# --- Indonesian wording used by the templates -------------------------------------------------

_UNITS = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
          "sepuluh", "sebelas")
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")


def terbilang(n: int) -> str:
    """Number in Indonesian words (0 ≤ n < 1 000 000): 2021 → "dua ribu dua puluh satu"."""
    if not 0 <= n < 1_000_000:
        raise ValueError(f"terbilang supports 0..999999, got {n}")

    def words(k: int) -> str:
        if k < 12:
            return _UNITS[k] if k else ""
        if k < 20:
            return f"{words(k - 10)} belas"
        if k < 100:
            return f"{words(k // 10)} puluh {words(k % 10)}"
        if k < 200:
            return f"seratus {words(k - 100)}"
        if k < 1000:
            return f"{words(k // 100)} ratus {words(k % 100)}"
        if k < 2000:
            return f"seribu {words(k - 1000)}"
        return f"{words(k // 1000)} ribu {words(k % 1000)}"

    return " ".join(words(n).split()) or "nol"


def diktum_label(n: int) -> str:
    """Decree article labels: 1 → KESATU, 2 → KEDUA, 12 → KEDUA BELAS."""
    return "KESATU" if n == 1 else f"KE{terbilang(n).upper()}"


def format_date_range_id(start: date, end: date) -> str:
    """9 s.d. 11 Agustus 2021; 30 Juli s.d. 2 Agustus 2021; one day → 9 Agustus 2021."""
    if start == end:
        return format_date_id(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day} s.d. {format_date_id(end)}"
    if start.year == end.year:
        return f"{start.day} {MONTHS_ID[start.month - 1]} s.d. {format_date_id(end)}"
    return f"{format_date_id(start)} s.d. {format_date_id(end)}"


def format_date_words_id(value: date) -> str:
    """Minutes spell the date out: "Senin, tanggal dua puluh enam bulan Juli tahun dua ribu dua
    puluh satu (26-07-2021)"."""
    return (f"{DAYS_ID[value.weekday()]}, tanggal {terbilang(value.day)} bulan "
            f"{MONTHS_ID[value.month - 1]} tahun {terbilang(value.year)} ({value:%d-%m-%Y})")


def format_date_en(value: date) -> str:
    """English subtitle on the bilingual certificate: 28 July 2029."""
    return f"{value.day} {_MONTHS_EN[value.month - 1]} {value.year}"


@cache
def _jinja_env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,  # every field may hold user text
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        tanggal=format_date_id,
        hari_tanggal=partial(format_date_id, with_day=True),
        rentang_tanggal=format_date_range_id,
        tanggal_terbilang=format_date_words_id,
        tanggal_en=format_date_en,
        terbilang=terbilang,
        diktum_label=diktum_label,
    )
    return env


def render_html(kind: str, context: object) -> str:
    """The HTML WeasyPrint lays out; also handy to preview a document in a browser."""
    spec = _spec(kind, context)
    return _jinja_env().get_template(spec.template).render(doc=context, kind=kind)


def _spec(kind: str, context: object) -> _Kind:
    try:
        spec = KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown document kind {kind!r}; expected one of {sorted(KINDS)}") from None
    if not isinstance(context, spec.context_type):
        raise TypeError(f"{kind!r} needs a {spec.context_type.__name__}, got {type(context).__name__}")
    return spec


# --- WeasyPrint ----------------------------------------------------------------------------------

class _StaticOnlyFetcher(URLFetcher):
    """Documents may load files from static/ only: no network, nothing else on disk."""

    def fetch(self, url: str, headers: dict | None = None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith("file:"):
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if path.is_relative_to(STATIC_DIR):
                return super().fetch(url, headers)
        raise ValueError(f"PDF documents may only load files under static/, not {url!r}")


class _Engine:
    """Parsed stylesheets and @font-face fonts, kept for the life of the process.

    Parsing the CSS registers the TTFs with the FontConfiguration; doing it once instead of per
    document is most of the speed-up. Pango/fontconfig objects are not thread-safe, hence the lock.
    """

    def __init__(self) -> None:
        self.font_config = FontConfiguration()
        self.fetcher = _StaticOnlyFetcher(allowed_protocols=("file", "data"))
        self.lock = threading.Lock()
        self._stylesheets: dict[str, CSS] = {}
        self.image_cache: dict = {}  # decoded images (the certificate's frame pattern)

    def stylesheets(self, names: tuple[str, ...]) -> list[CSS]:
        for name in names:
            if name not in self._stylesheets:
                self._stylesheets[name] = CSS(
                    filename=str(PDF_CSS_DIR / name), font_config=self.font_config,
                    url_fetcher=self.fetcher)
        return [self._stylesheets[name] for name in names]


_engine: _Engine | None = None
_engine_lock = threading.Lock()


def _get_engine() -> _Engine:
    global _engine
    with _engine_lock:
        if _engine is None:
            _engine = _Engine()
        return _engine


def render_pdf(kind: str, context: object) -> RenderedPdf:
    """Render one document kind ("letter", "undangan", "spt", "sk", "certificate",
    "berita_acara", "lembar_disposisi") from its context dataclass."""
    spec = _spec(kind, context)
    return render_template_pdf(spec.template, context, spec.stylesheets, kind=kind)


def render_template_pdf(template: str, context: object, stylesheets: tuple[str, ...] = _PORTRAIT, *,
                        kind: str = "") -> RenderedPdf:
    """Render any template of templates/pdf (an area's own form layout, e.g. FR.APL.02) the same way."""
    html = _anchor_numbers(_jinja_env().get_template(template).render(doc=context, kind=kind))
    engine = _get_engine()
    with engine.lock:
        document = HTML(string=html, base_url=str(STATIC_DIR), url_fetcher=engine.fetcher).render(
            stylesheets=engine.stylesheets(stylesheets), font_config=engine.font_config,
            cache=engine.image_cache)
        with warnings.catch_warnings():
            # WeasyPrint opens its sRGB profile for the PDF/A output intent and leaves the file
            # to the garbage collector; the ResourceWarning is about its handle, not ours.
            warnings.simplefilter("ignore", ResourceWarning)
            data = document.write_pdf(pdf_variant=PDF_VARIANT, finisher=_without_info_producer)
    boxes = _signature_boxes(document)
    if not boxes:
        raise RuntimeError(f"template {template} has no #{SIGNATURE_BOX_ID} element")
    return RenderedPdf(data=data, page_count=len(document.pages), signature_box=boxes[0],
                       signature_boxes=boxes, number_boxes=_number_boxes(document))


def _without_info_producer(document, pdf) -> None:
    """PDF/A wants the Info dictionary and the XMP metadata to agree. pyHanko, signing, appends
    itself to an Info /Producer but writes only itself into the XMP; with no Info /Producer both
    end up saying the same. The XMP still names WeasyPrint until the document is signed."""
    pdf.info.pop("Producer", None)


def _signature_boxes(document) -> tuple[SignatureBox, ...]:
    found: dict[str, SignatureBox] = {}
    for index, page in enumerate(document.pages):
        page_height = page.height * PT_PER_CSS_PX
        for name, anchor in page.anchors.items():
            if name != SIGNATURE_BOX_ID and not name.startswith(SIGNATURE_BOX_ID + "-"):
                continue
            # WeasyPrint gives the border box as (x1, y1, x2, y2) in CSS px from the top-left.
            left, top, right, bottom = anchor
            found.setdefault(name, SignatureBox(
                page_index=index,
                x1=round(left * PT_PER_CSS_PX, 2),
                y1=round(page_height - bottom * PT_PER_CSS_PX, 2),
                x2=round(right * PT_PER_CSS_PX, 2),
                y2=round(page_height - top * PT_PER_CSS_PX, 2),
            ))

    def order(name: str) -> int:
        return 1 if name == SIGNATURE_BOX_ID else int(name.rsplit("-", 1)[1])

    return tuple(found[name] for name in sorted(found, key=order))


# --- where the number stands ---------------------------------------------------------------------

def _anchor_numbers(html: str) -> str:
    """Give every number placeholder its own anchor, so its box can be found after layout."""
    counter = iter(range(1, 1000))
    return _NUMBER_SPAN.sub(lambda _m: f'<span class="docnum" id="{NUMBER_ANCHOR}-{next(counter)}">', html)


def _number_boxes(document) -> tuple[NumberBox, ...]:
    """The placeholder spans, and the page footers that repeat the number (CSS string(docnum))."""
    from weasyprint.formatting_structure import boxes as wp

    found: list[NumberBox] = []
    seen: set[str] = set()
    for index, page in enumerate(document.pages):
        height = page.height * PT_PER_CSS_PX
        for box in page._page_box.descendants():
            anchor = box.style["anchor"] if not isinstance(box, wp.TextBox) else None
            if anchor and anchor.startswith(NUMBER_ANCHOR + "-") and anchor not in seen:
                seen.add(anchor)
                number_box = _box_of(box, index, height)
                if number_box is not None:
                    number_box = _centred(number_box, box, page._page_box)
            elif isinstance(box, wp.MarginBox) and box.at_keyword == "@bottom-left":
                number_box = _box_of(box, index, height, text_only=True)
            else:
                continue
            if number_box is not None:
                found.append(number_box)
    return tuple(found)


def _box_of(box, page_index: int, page_height: float, text_only: bool = False) -> NumberBox | None:
    from weasyprint.formatting_structure import boxes as wp

    text = next((b for b in box.descendants() if isinstance(b, wp.TextBox) and b.text.strip()), None)
    if text is None:
        return None
    outer = text if text_only else box
    left, top = outer.border_box_x(), outer.border_box_y()
    right, bottom = left + outer.border_width(), top + outer.border_height()
    spacing = text.style["letter_spacing"]
    return NumberBox(
        page_index=page_index,
        x1=round(left * PT_PER_CSS_PX, 2), y1=round(page_height - bottom * PT_PER_CSS_PX, 2),
        x2=round(right * PT_PER_CSS_PX, 2), y2=round(page_height - top * PT_PER_CSS_PX, 2),
        baseline=round(page_height - (text.position_y + text.baseline) * PT_PER_CSS_PX, 2),
        font_size=round(text.style["font_size"] * PT_PER_CSS_PX, 2),
        bold=text.style["font_weight"] >= 600,
        letter_spacing=round(spacing * PT_PER_CSS_PX, 2) if isinstance(spacing, (int, float)) else 0.0,
        text_origin=(round(text.position_x, 6), round(text.position_y + text.baseline, 6)),
    )


# Faces signing can set the number in (portal.signing.number_text): the documents' own sans.
_WRITABLE_FAMILY = "BNSP Sans"


def _writable(text_box) -> bool:
    style = text_box.style
    return style["font_family"][0] == _WRITABLE_FAMILY and style["font_style"] == "normal"


def _centred(number_box: NumberBox, anchor_box, page_box) -> NumberBox:
    """Record the line's centre and its other runs when the placeholder stands on a centred line
    whose text signing can set again (one face, one line); otherwise the box as it is."""
    import dataclasses

    from weasyprint.formatting_structure import boxes as wp

    line = next((b for b in page_box.descendants() if isinstance(b, wp.LineBox)
                 and any(d is anchor_box for d in b.descendants())), None)
    if line is None or line.style["text_align_all"] != "center":
        return number_box
    inside = {id(d) for d in anchor_box.descendants()}
    texts = [b for b in line.descendants() if isinstance(b, wp.TextBox) and b.text]
    own = [t for t in texts if id(t) in inside]
    if len(own) != 1 or not all(_writable(t) for t in texts):
        return number_box
    runs, before = [], True
    for text in texts:
        if text is own[0]:
            before = False
            continue
        spacing = text.style["letter_spacing"]
        runs.append(LineRun(
            text=text.text, before=before,
            x1=round(text.position_x * PT_PER_CSS_PX, 2),
            x2=round((text.position_x + text.width) * PT_PER_CSS_PX, 2),
            font_size=round(text.style["font_size"] * PT_PER_CSS_PX, 2), bold=text.style["font_weight"] >= 600,
            letter_spacing=round(spacing * PT_PER_CSS_PX, 2) if isinstance(spacing, (int, float)) else 0.0,
            text_origin=(round(text.position_x, 6), round(text.position_y + text.baseline, 6))))
    left = texts[0].position_x
    right = texts[-1].position_x + texts[-1].width
    return dataclasses.replace(number_box, align="center", centre=round((left + right) / 2 * PT_PER_CSS_PX, 2),
                               line=tuple(runs))
