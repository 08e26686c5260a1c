"""BNSP number formats: a pattern per series, maintained by the admin.

    letter        1516/BNSP/UM.00.00/VII/2021     {seq}/BNSP/{klasifikasi}/{bulan_romawi}/{tahun}
    sk            KEP.1081/BNSP/V/2021            KEP.{seq}/BNSP/{bulan_romawi}/{tahun}
    spt           SPT.12/BNSP/KP.04.00/VII/2021   SPT and Surat Tugas alike
    licence       BNSP-LSP-2629-ID                runs on across years (licence register)
    sertifikat-asesor  MET.000.001668.2012        assessor registration number

``DEFAULT_SERIES`` is what the migration seeds and what a series falls back to before the admin
has saved it; the table ``number_series_definition`` holds the admin's version.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from string import Formatter

from portal.core.dates import roman_month

# Archive classification codes the agency uses for its letters (admin-maintained in practice).
CLASSIFICATIONS = {
    "UM.00.00": "Umum",
    "DL.02.00": "Sertifikasi dan pelatihan asesor",
    "LS.01.00": "Lisensi LSP",
    "KP.04.00": "Penugasan",
}

PLACEHOLDERS = {
    "seq": "nomor urut (boleh {seq:04d} agar selalu 4 angka)",
    "klasifikasi": "kode klasifikasi arsip, mis. UM.00.00",
    "bulan_romawi": "bulan dalam angka Romawi (I–XII)",
    "bulan": "bulan dalam angka (boleh {bulan:02d})",
    "tahun": "tahun (WIB)",
}
_NUMERIC = {"seq", "bulan"}
_SPEC = re.compile(r"0?[1-9]?d")


@dataclass(frozen=True)
class SeriesDefault:
    code: str
    name: str
    pattern: str
    classification: str = ""
    continuous: bool = False


DEFAULT_SERIES: dict[str, SeriesDefault] = {s.code: s for s in (
    SeriesDefault("letter", "Surat dinas", "{seq}/BNSP/{klasifikasi}/{bulan_romawi}/{tahun}", "UM.00.00"),
    SeriesDefault("sk", "Surat Keputusan Ketua (SK)", "KEP.{seq}/BNSP/{bulan_romawi}/{tahun}"),
    SeriesDefault("spt", "Surat Tugas / Surat Perintah Tugas (SPT)",
                  "SPT.{seq}/BNSP/{klasifikasi}/{bulan_romawi}/{tahun}", "KP.04.00"),
    SeriesDefault("licence", "Sertifikat lisensi LSP", "BNSP-LSP-{seq}-ID", continuous=True),
    SeriesDefault("sertifikat-asesor", "Nomor registrasi asesor kompetensi", "MET.000.{seq:06d}.{tahun}"),
)}


class PatternError(ValueError):
    """A pattern the admin typed cannot produce numbers; the message is for the admin."""


def check_pattern(pattern: str) -> None:
    """Refuse a pattern with unknown placeholders, format tricks, or no sequence number."""
    pattern = pattern.strip()
    if not pattern:
        raise PatternError("Pola nomor wajib diisi.")
    if len(pattern) > 120:
        raise PatternError("Pola nomor paling panjang 120 karakter.")
    names = []
    try:
        parts = list(Formatter().parse(pattern))
    except ValueError:
        raise PatternError("Kurung kurawal pada pola tidak berpasangan.") from None
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in PLACEHOLDERS:
            raise PatternError(f"Penanda {{{name}}} tidak dikenal; yang tersedia: "
                               + ", ".join(f"{{{n}}}" for n in PLACEHOLDERS) + ".")
        if conversion or (spec and (name not in _NUMERIC or not _SPEC.fullmatch(spec))):
            raise PatternError(f"Format {{{name}:{spec}}} tidak didukung; gunakan mis. {{seq:04d}}.")
        names.append(name)
    if "seq" not in names:
        raise PatternError("Pola nomor harus memuat {seq} (nomor urut).")


def render_pattern(pattern: str, sequence: int, on: date, classification: str = "") -> str:
    """Fill a checked pattern: the month and year are those of ``on`` (a date in WIB)."""
    check_pattern(pattern)
    return pattern.format(seq=sequence, klasifikasi=classification, bulan_romawi=roman_month(on.month),
                          bulan=on.month, tahun=on.year)


def _pattern_of(series: str) -> tuple[str, str]:
    """The admin's pattern and default classification when a database is at hand, else the default."""
    from flask import has_app_context

    if has_app_context():
        from portal.numbering.services import definition_of

        found = definition_of(series)
        if found is not None:
            return found.pattern, found.classification
    default = DEFAULT_SERIES[series]
    return default.pattern, default.classification


def format_number(series: str, sequence: int, on: date, classification: str | None = None) -> str:
    """The number text of ``series`` (kept for callers that take the sequence themselves)."""
    pattern, default_classification = _pattern_of(series)
    classification = classification or default_classification
    if "{klasifikasi}" in pattern and classification not in CLASSIFICATIONS:
        raise ValueError(f"unknown classification code {classification!r}")
    return render_pattern(pattern, sequence, on, classification)


# The number series a flow file's document declaration may name in `series=` (code -> name).
SERIES: dict[str, str] = {code: default.name for code, default in DEFAULT_SERIES.items()}


def series_key(series: str, classification: str = "") -> str:
    """Letters share one sequence per year whatever their classification, as the agenda book does."""
    if series not in SERIES:
        raise KeyError(series)
    return series
