"""The licensing records as PDFs: the check-list result (D2 / D7), the uploaded requirement list
(D1 / D6), the LKS with each finding's status (D14 / D30) and one finding's correction (D15 / D31),
rendered with the portal's PDF engine (templates/pdf/licence_*.html)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from portal.documents.contexts import Letterhead, Signatory
from weasyprint import HTML

from portal.documents.pdf import _PORTRAIT, STATIC_DIR, RenderedPdf, _get_engine, _jinja_env, _signature_boxes


@dataclass(frozen=True, kw_only=True)
class ChecklistRow:
    item: str
    description: str
    required: bool
    filename: str = ""
    uploaded: str = ""
    verdict: str = ""
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class ChecklistContext:
    """Daftar persyaratan (D1 / D6, with files) or hasil pemeriksaan check list (D2 / D7, with verdicts)."""

    judul: str
    nomor: str
    lembaga: str
    tahap: str
    tanggal: date
    rows: list[ChecklistRow]
    with_verdicts: bool
    kesimpulan: str
    penandatangan: Signatory
    tempat: str = "Jakarta"
    kop: Letterhead = field(default_factory=Letterhead)


@dataclass(frozen=True, kw_only=True)
class FindingRow:
    acuan: str
    finding: str
    category: str
    evidence: str
    status: str
    evidence_file: str = ""
    corrective_action: str = ""
    correction_evidence: str = ""
    correction_file: str = ""
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class LksContext:
    """Laporan Ketidaksesuaian (LKS) of one assessment with the status of every finding."""

    judul: str
    nomor: str
    lembaga: str
    kegiatan: str
    spt: str
    tim: list[str]
    tanggal: date
    findings: list[FindingRow]
    status: str
    penandatangan: Signatory
    tempat: str = "Jakarta"
    kop: Letterhead = field(default_factory=Letterhead)


def _render(template: str, context: object) -> RenderedPdf:
    """Like `render_pdf`, for the two licensing kinds (kept out of the shared kind table, whose
    every entry has a sample in portal/documents)."""
    env = _jinja_env()
    html = env.get_template(template).render(doc=context, kind=template.removesuffix(".html"))
    engine = _get_engine()
    with engine.lock:
        document = HTML(string=html, base_url=str(STATIC_DIR), url_fetcher=engine.fetcher).render(
            stylesheets=engine.stylesheets(_PORTRAIT), font_config=engine.font_config, cache=engine.image_cache)
        data = document.write_pdf()
    boxes = _signature_boxes(document)
    return RenderedPdf(data=data, page_count=len(document.pages), signature_box=boxes[0], signature_boxes=boxes)


def render_checklist(context: ChecklistContext) -> RenderedPdf:
    return _render("licence_checklist.html", context)


def render_lks(context: LksContext) -> RenderedPdf:
    return _render("licence_lks.html", context)
