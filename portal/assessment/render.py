"""One PDF layout for the assessment records (FR.APL.01, FR.APL.02, decisions, results, pleno):
a form code and title, header facts, tables, and the signature block."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from portal.documents.contexts import Letterhead, Signatory
from portal.documents.pdf import RenderedPdf, render_template_pdf


@dataclass(frozen=True, kw_only=True)
class FormTable:
    title: str
    header: list[str]
    rows: list[list[str]]
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class FormRecordContext:
    kode: str  # "FR.APL.02"
    judul: str
    fakta: list[tuple[str, str]]  # header facts: (label, value)
    tabel: list[FormTable]
    catatan: list[str] = field(default_factory=list)
    tanggal: date
    penandatangan: Signatory
    tempat: str = "Jakarta"
    kop: Letterhead = field(default_factory=Letterhead)


def render_record(context: FormRecordContext) -> RenderedPdf:
    return render_template_pdf("formulir.html", context)
