"""Who may name which person for a case's named-actor slot (the MA of an SPT, the assessors of a
Surat Tugas, the signer of a letter, the unit of a disposition). Declared here as data and
checked by engine.assign for every caller: the case screen's "Tugaskan" form, the mail
operations and the demo seeding alike. Anything not declared is refused."""
from __future__ import annotations

from dataclasses import dataclass

# Admins may correct any assignment: they can grant themselves any role anyway.
ADMIN = ("admin",)
SERTIFIKASI = ("staf_sertifikasi", "koor_sertifikasi", "koor_sdm", "kabag", "kasek", *ADMIN)
LISENSI = ("staf_lisensi", "kabag", "kasek", *ADMIN)


@dataclass(frozen=True)
class Assigners:
    roles: tuple[str, ...] = ()     # holders of these roles may name the person
    case_creator: bool = False      # so may whoever opened the case (the drafter of a letter)
    signer_rule: str | None = None  # an extra rule on who may be named (see _signer_allowed)


RULES: dict[tuple[str, str], Assigners] = {
    ("RCC", "spt_ma_penguji"): Assigners(SERTIFIKASI),
    ("ASKOM", "spt_ma_pelatih"): Assigners(SERTIFIKASI),
    ("ASKOM", "spt_ma_penguji"): Assigners(SERTIFIKASI),
    ("LIS", "ketua_tim_kecukupan"): Assigners(LISENSI),
    ("LIS", "tim_kecukupan"): Assigners(LISENSI),
    ("LIS", "st_asesmen_penuh"): Assigners(LISENSI),
    ("LIS", "st_penyaksian"): Assigners(LISENSI),
    ("LIS", "penandatangan"): Assigners(LISENSI),
    # Incoming mail: PHU routes it to the Kasek/Ketua or a section; they dispose to a unit.
    ("SM", "penerima_disposisi"): Assigners(("phu", *ADMIN)),
    ("SM", "unit_tujuan"): Assigners(("phu", "kasek", "ketua", *ADMIN)),
    # Secretariat letters: the drafter proposes the signer, the Kasek may change it; the person
    # named must hold the role the letter says signs it (Kasek or Ketua).
    ("SKS", "penandatangan"): Assigners(("kasek", *ADMIN), case_creator=True, signer_rule="letter_role"),
    # A member's letter is signed by that member and nobody else.
    ("SKA", "penandatangan"): Assigners(case_creator=True, signer_rule="creator_only"),
    ("SKS", "pengonsep"): Assigners(ADMIN),
}


def may_assign(case, slot: str, actor) -> bool:
    """Whether ``actor`` may name anyone for ``slot`` (the case page offers the form only then)."""
    rule = RULES.get((case.flow_code, slot))
    return rule is not None and actor is not None and (
        bool(actor.role_codes & set(rule.roles)) or (rule.case_creator and case.created_by_id == actor.id))


def refusal(case, slot: str, person, actor) -> str | None:
    """Why ``actor`` may not name ``person`` for ``slot`` of ``case`` (Indonesian), or None."""
    rule = RULES.get((case.flow_code, slot))
    if rule is None:
        return "Penugasan ini tidak dapat diubah."
    if actor is None:
        return "Penugasan memerlukan pengguna yang menugaskan."
    if not may_assign(case, slot, actor):
        return "Anda tidak berwenang mengubah penugasan ini."
    if rule.signer_rule == "creator_only" and person.id != case.created_by_id:
        return "Surat anggota ditandatangani oleh anggota pengonsepnya sendiri."
    if rule.signer_rule == "letter_role":
        wanted = (case.data or {}).get("signer_role")
        if wanted and wanted not in person.role_codes:
            return "Orang yang ditunjuk tidak memegang peran penandatangan surat ini."
    return None
