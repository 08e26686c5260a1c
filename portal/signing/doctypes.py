"""Which signed documents of which flow are letters, SPT, SK or certificates, and how they are numbered."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DocType:
    kind: str  # letter | undangan | spt | sk | certificate | licence_certificate
    series: str | None  # number series (portal.numbering.formats), None: numbered elsewhere
    classification: str = "UM.00.00"
    label: str = "Surat"


LETTER = DocType("letter", "letter", "DL.02.00", "Surat")
SPT = DocType("spt", "spt", "KP.04.00", "Surat Perintah Tugas")
SK = DocType("sk", "sk", "", "Surat Keputusan")
CERTIFICATE = DocType("certificate", None, "", "Sertifikat Kompetensi")

BY_CODE: dict[tuple[str, str], DocType] = {
    ("RCC", "D7 A"): LETTER, ("RCC", "D7 B"): LETTER, ("RCC", "D8 A"): SPT, ("RCC", "D8 B"): SPT,
    ("RCC", "D22"): SK, ("RCC", "D24"): CERTIFICATE,
    ("ASKOM", "D7 A"): LETTER, ("ASKOM", "D7 B"): LETTER, ("ASKOM", "D8 A"): SPT, ("ASKOM", "D8 B"): SPT,
    ("ASKOM", "D25"): SK, ("ASKOM", "D27"): CERTIFICATE,
    ("LIS", "D4"): DocType("undangan", "letter", "LS.01.00", "Surat Undangan"),
    ("LIS", "D13"): DocType("spt", "spt", "KP.04.00", "Surat Tugas"),
    ("LIS", "D20"): DocType("undangan", "letter", "LS.01.00", "Surat Undangan"),
    ("LIS", "D23a"): DocType("letter", "letter", "LS.01.00", "Surat Pemberitahuan"),
    ("LIS", "D23b"): SK,
    ("LIS", "D23c"): DocType("licence_certificate", "licence", "", "Sertifikat Lisensi"),
    ("LIS", "D29"): DocType("spt", "spt", "KP.04.00", "Surat Tugas"),
    ("SKS", "SURAT_TTD"): DocType("letter", "letter", "UM.00.00", "Surat"),
    ("SKA", "SURAT_TTD"): DocType("letter", "letter", "UM.00.00", "Surat"),
}


def doc_type_of(flow_code: str, code: str) -> DocType:
    return BY_CODE.get((flow_code, code), LETTER)
