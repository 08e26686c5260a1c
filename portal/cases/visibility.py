"""Which cases a user may see, as one SQL condition: the same rule as engine.can_view (and the
secret-letter rule of portal.correspondence.access), so list pages filter and count in the
database and never page or count what the user may not open."""
from __future__ import annotations

from sqlalchemy import and_, false, literal, or_, select, text, true
from sqlalchemy.sql.elements import ColumnElement

from portal.cases.models import Case, CaseItem
from portal.extensions import db
from portal.flows.roles import EXTERNAL_ROLES

_T = Case.__table__.name


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _named(user_id: int) -> ColumnElement:
    """The user is named in one of the case's assignment slots (case.data.assignees)."""
    if _dialect() == "postgresql":
        sql = (f"EXISTS (SELECT 1 FROM json_each(COALESCE({_T}.data -> 'assignees', '{{}}'::json)) AS s, "
               f"json_array_elements_text(s.value) AS u WHERE u = :named_uid)")
        return text(sql).bindparams(named_uid=str(user_id))
    sql = (f"EXISTS (SELECT 1 FROM json_each({_T}.data, '$.assignees') AS s, json_each(s.value) AS u "
           f"WHERE u.value = :named_uid)")
    return text(sql).bindparams(named_uid=user_id)


def _listed(key: str, values: list, name: str) -> ColumnElement:
    """One of ``values`` is in the case's JSON list ``data[key]``."""
    if not values:
        return false()
    params = {f"{name}{i}": v for i, v in enumerate(values)}
    wanted = ", ".join(f":{p}" for p in params)
    if _dialect() == "postgresql":
        params = {k: str(v) for k, v in params.items()}
        sql = (f"EXISTS (SELECT 1 FROM json_array_elements_text(COALESCE({_T}.data -> '{key}', '[]'::json)) "
               f"AS e WHERE e IN ({wanted}))")
    else:
        sql = f"EXISTS (SELECT 1 FROM json_each({_T}.data, '$.{key}') AS e WHERE e.value IN ({wanted}))"
    return text(sql).bindparams(**params)


def _secret_visible(user) -> ColumnElement:
    if "phu" in user.role_codes:
        return true()
    return or_(Case.created_by_id == user.id,
               _listed("addressee_user_ids", [user.id], "auid"),
               _listed("addressee_roles", sorted(user.role_codes), "arole"),
               _named(user.id))


def visible_to(user) -> ColumnElement:
    if not getattr(user, "is_authenticated", False):
        return false()
    sifat = Case.data["sifat"].as_string()
    secret = sifat == literal("rahasia")
    not_secret = or_(sifat.is_(None), sifat != literal("rahasia"))  # NULL-safe: most cases have none
    if user.role_codes - set(EXTERNAL_ROLES):
        ordinary = true()
    else:
        clauses = [_named(user.id)]
        if "lsp" in user.role_codes and user.organisation_id:
            clauses.append(Case.organisation_id == user.organisation_id)
        if "peserta" in user.role_codes:
            clauses.append(Case.id.in_(select(CaseItem.case_id).where(CaseItem.user_id == user.id)))
        ordinary = or_(*clauses)
    return or_(and_(not_secret, ordinary), and_(secret, _secret_visible(user)))
