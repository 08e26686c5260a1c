"""Role codes of the portal with their Indonesian labels; the rest of the app imports them from here.

A person may hold several roles. `system` is not a role a person holds: it is the pseudo-actor of
steps the portal performs by itself (e.g. printing certificates for everyone named in an SK).
"""
from __future__ import annotations

ROLES: dict[str, str] = {
    "admin": "Admin",
    "cs": "Customer Service (CS)",
    "phu": "Bagian Perencanaan, Hukum dan Umum (PHU)",
    "staf_sertifikasi": "Staf Sertifikasi / SDM",
    "koor_sertifikasi": "Koordinator Sertifikasi",
    "koor_sdm": "Koordinator SDM",
    "staf_lisensi": "Staf Lisensi",
    "kasek": "Kepala Sekretariat",
    "kabag": "Kepala Bagian",
    "ketua": "Ketua BNSP",
    "anggota": "Wakil Ketua / Anggota BNSP",
    "pantek": "Panitia Teknis (Pantek)",
    "komtek": "Komisi Teknis (Komtek)",
    "ma_pelatih": "Master Asesor Pelatih",
    "ma_penguji": "Master Asesor Penguji",
    "asesor_lisensi": "Asesor Lisensi",
    "lsp": "Pemohon / LSP",
    "peserta": "Peserta (calon asesor kompetensi)",
}

INTERNAL_ROLES: tuple[str, ...] = (
    "admin", "cs", "phu", "staf_sertifikasi", "koor_sertifikasi", "koor_sdm", "staf_lisensi",
    "kasek", "kabag", "ketua", "anggota", "pantek", "komtek",
)

# Self-service accounts: organisations, assessor candidates, and the assessors BNSP assigns per case.
EXTERNAL_ROLES: tuple[str, ...] = ("lsp", "peserta", "ma_pelatih", "ma_penguji", "asesor_lisensi")

SYSTEM = "system"
SYSTEM_LABEL = "Sistem"

# Everything a flow step may name as its actor.
ACTORS: dict[str, str] = {**ROLES, SYSTEM: SYSTEM_LABEL}

assert set(INTERNAL_ROLES) | set(EXTERNAL_ROLES) == set(ROLES), "every role is internal or external"
assert not set(INTERNAL_ROLES) & set(EXTERNAL_ROLES), "no role is both internal and external"
