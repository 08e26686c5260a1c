"""Who stands on a document's name line: the person who holds the signing office, by name.

A document is signed by a person; their title goes on the jabatan line above the signature and
their name below it. "Ketua BNSP" on the name line would repeat the title and name no one.
"""
from __future__ import annotations

from sqlalchemy import select

from portal.documents.contexts import Signatory
from portal.extensions import db

JABATAN = {"ketua": "Ketua,", "kasek": "Kepala Sekretariat,", "anggota": "Anggota,"}
TITLE = {"ketua": "Ketua BNSP", "kasek": "Kepala Sekretariat BNSP", "anggota": "Anggota BNSP"}


def office_holder(role: str):
    """The enabled account holding ``role`` (the longest-standing one if several do), or None."""
    from portal.accounts.models import User, UserRole

    return db.session.scalar(
        select(User).join(UserRole).where(UserRole.role == role, User.is_enabled.is_(True))
        .order_by(User.id).limit(1))


def signatory_for(role: str, person=None) -> Signatory:
    """The signature block of ``role``: the given person, else the office holder, by name.

    Only with no one in the office yet (a fresh install) does the title stand in for the name.
    """
    person = person or office_holder(role)
    name = (person.full_name if person is not None else "") or TITLE.get(role, role)
    return Signatory(jabatan=JABATAN.get(role, ""), nama=name)
