"""BNSP number formats, per series; the sequence runs per series and per year.

    letter        1516/BNSP/UM.00.00/VII/2021     (<seq>/BNSP/<classification>/<Roman month>/<year>)
    sk            KEP.1081/BNSP/V/2021
    spt           SPT.12/BNSP/VII/2021
    licence       BNSP-LSP-2629-ID               (licence certificate of an LSP)
"""
from __future__ import annotations

from datetime import date

from portal.core.dates import roman_month

# Archive classification codes the agency uses for its letters (admin-maintained in practice).
CLASSIFICATIONS = {
    "UM.00.00": "Umum",
    "DL.02.00": "Sertifikasi dan pelatihan asesor",
    "LS.01.00": "Lisensi LSP",
    "KP.04.00": "Penugasan",
}


def format_number(series: str, sequence: int, on: date, classification: str = "UM.00.00") -> str:
    month, year = roman_month(on.month), on.year
    if series == "sk":
        return f"KEP.{sequence}/BNSP/{month}/{year}"
    if series == "spt":
        return f"SPT.{sequence}/BNSP/{month}/{year}"
    if series == "licence":
        return f"BNSP-LSP-{sequence}-ID"
    if classification not in CLASSIFICATIONS:
        raise ValueError(f"unknown classification code {classification!r}")
    return f"{sequence}/BNSP/{classification}/{month}/{year}"


# The number series a flow file's document declaration may name in `series=`.
SERIES: dict[str, str] = {"letter": "Surat", "sk": "Surat Keputusan", "spt": "Surat Perintah Tugas",
                          "licence": "Sertifikat Lisensi"}


def series_key(series: str, classification: str = "") -> str:
    """Letters share one sequence per year whatever their classification, as the agenda book does."""
    if series not in SERIES:
        raise KeyError(series)
    return series
