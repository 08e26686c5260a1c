"""Every registered route × every role: whoever the route does not allow gets 403 (or, when not
logged in, a redirect to the login page); whoever it allows is never refused."""
from __future__ import annotations

import pytest
from werkzeug.routing.converters import NumberConverter, UUIDConverter

from portal.core.access import PUBLIC, access_of, user_may_access
from portal.flows.roles import ROLES
from tests.conftest import login, make_organisation, make_user

# Routes whose side effect would end the walk (they are tested on their own).
SKIPPED = {"accounts.logout", "static"}


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED:
            continue
        values = {}
        for arg in rule.arguments:
            converter = rule._converters[arg]
            if isinstance(converter, NumberConverter):
                values[arg] = 987654
            elif isinstance(converter, UUIDConverter):
                values[arg] = "00000000-0000-0000-0000-000000000000"
            else:
                values[arg] = "tidak-ada"
        path = rule.build(values, append_unknown=False)[1]
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"OPTIONS", "HEAD"})[0]
        yield rule.endpoint, path, method


def _request(client, method, path):
    return client.open(path, method=method, data={}, headers={"HX-Request": "false"})


def test_every_route_declares_who_may_use_it(app):
    missing = [ep for ep in app.view_functions if access_of(app, ep) is None]
    assert missing == []


@pytest.mark.parametrize("role", [None, *ROLES])
def test_route_role_matrix(app, db, role):
    client = app.test_client()
    user = None
    if role:
        org = make_organisation(f"Org {role}") if role == "lsp" else None
        user = make_user(f"matrix_{role}", [role], organisation=org)
        login(client, user.username)

    class Anonymous:
        is_authenticated = False
        role_codes = frozenset()

    subject = user if user else Anonymous()
    checked = 0
    for endpoint, path, method in _routes(app):
        access = access_of(app, endpoint)
        response = _request(client, method, path)
        allowed = user_may_access(subject, access)
        location = response.headers.get("Location", "")
        if allowed:
            assert response.status_code != 403, f"{role} refused on {method} {path}"
            if PUBLIC not in access:
                assert "/akun/masuk" not in location, f"{role} sent to login on {path}"
        elif user is None:
            assert response.status_code in (302, 401), f"anonymous got {response.status_code} on {path}"
            if response.status_code == 302:
                assert "/akun/masuk" in location
        else:
            assert response.status_code == 403, f"{role} got {response.status_code} on {method} {path}"
        checked += 1
    assert checked >= 10


# --- with real objects of two organisations and two participants ---------------------------------

from tests.test_object_access import world  # noqa: E402,F401  (fixture: two LSPs, two participants)

OUTSIDERS_OF_RCC_A = ("lsp_b", "peserta_b", "asesor_lisensi")
INSIDERS_OF_RCC_A = ("lsp_a", "peserta_a", "ma_penguji", "kasek")


def _object_routes(app, world, db):
    """Every route that takes a case number, filled with organisation A's RCC case and its real
    open work item and document version."""
    from sqlalchemy import select

    from portal.cases import engine
    from portal.cases.models import WorkItem
    from tests.factories import sample_pdf

    case = world["rcc_a"]
    version = engine.upload_document(case, "D1", "d1.pdf", sample_pdf(), world["admin"], check=False)
    work = db.session.scalar(select(WorkItem).where(WorkItem.case_id == case.id, WorkItem.state == "open"))
    db.session.commit()
    values = {"number": case.number, "work_id": work.id, "version_id": version.id, "index": 1}
    for rule in app.url_map.iter_rules():
        if "number" not in rule.arguments or not set(rule.arguments) <= set(values):
            continue
        path = rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"OPTIONS", "HEAD"})[0]
        yield rule.endpoint, path, method


@pytest.mark.parametrize("who", OUTSIDERS_OF_RCC_A + INSIDERS_OF_RCC_A)
def test_route_matrix_with_real_objects(app, db, world, who):
    client = app.test_client()
    login(client, world[who].username)
    walked = 0
    for endpoint, path, method in _object_routes(app, world, db):
        response = client.open(path, method=method, data={}, headers={"HX-Request": "false"})
        response.close()
        if who in OUTSIDERS_OF_RCC_A:
            assert response.status_code in (403, 404), f"{who} got {response.status_code} on {method} {path}"
        elif method == "GET" and endpoint.startswith("cases.") and not (
                endpoint == "cases.download" and who in ("peserta_a", "ma_penguji")):  # D1: applicant only
            assert response.status_code == 200, f"{who} got {response.status_code} on {path}"
        walked += 1
    assert walked >= 5
