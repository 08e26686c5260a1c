"""Rendering of the QR landing page /v/<id>, the hottest page of the portal.

Most of the page depends only on the language, so it is prepared once per language and process:
the frame (head, top bar with the language switch, footer) is rendered from
templates/verification/layout.html, and the labels of the document card
(templates/verification/_document_card.html, written in two stages: ``[[ ]]`` per language,
``{{ }}`` per request) are filled in before the card is compiled. A request then renders only the
document's own values, straight through Jinja without Flask's context processors. On the 2-core
benchmark this halves the rendering cost. Changed templates are picked up on restart.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

from flask import current_app, render_template, request, url_for
from jinja2 import Environment, Template
from markupsafe import escape

from portal.verification import i18n, offline
from portal.verification.services import PublicRecord

VERDICTS = {"berlaku": "verdict_valid", "dicabut": "verdict_revoked",
            "kedaluwarsa": "verdict_expired", "digantikan": "verdict_superseded"}
_TITLE = "\x00title\x00"
_CONTENT = "\x00content\x00"
_SWITCH = "\x00switch\x00"  # the language switch's query, filled per request (keeps ?k=)


@dataclass(frozen=True)
class Frame:
    head: str  # up to the <title> text
    top: str  # from after the <title> text to the language switch's query
    body_start: str  # from after that query to the start of <main>'s content
    end: str  # the rest


_frames: dict[tuple[str, str], Frame] = {}
_cards: dict[tuple[str, str], Template] = {}
_lock = threading.Lock()
# Stage one of the card: the per-language parts, in brackets so that {{ }} stays for stage two.
_STAGE_ONE = Environment(block_start_string="[%", block_end_string="%]",
                         variable_start_string="[[", variable_end_string="]]",
                         comment_start_string="[#", comment_end_string="#]", autoescape=True)


def frame(lang: str) -> Frame:
    key = (lang, request.script_root)
    cached = _frames.get(key)
    if cached is None:
        html = render_template("verification/document_frame.html", lang=lang,
                               t=i18n.STRINGS[lang], title_mark=_TITLE, content_mark=_CONTENT,
                               lang_href=_SWITCH)
        head, rest = html.split(_TITLE, 1)
        top, rest = rest.split(_SWITCH, 1)
        body_start, end = rest.split(_CONTENT, 1)
        cached = Frame(head, top, body_start, end)
        with _lock:
            _frames[key] = cached
    return cached


def card(lang: str) -> Template:
    """The card template with this language's labels and the published key filled in."""
    key = offline.signing_key()
    cache_key = (lang, key.key_id)
    cached = _cards.get(cache_key)
    if cached is None:
        env = current_app.jinja_env
        source, _name, _uptodate = env.loader.get_source(env, "verification/_document_card.html")
        filled = _STAGE_ONE.from_string(source).render(
            t=i18n.STRINGS[lang], upload_href=url_for("verification.index", lang="en" if lang == "en" else None),
            **offline_context(lang))
        cached = env.from_string(filled)
        with _lock:
            _cards[cache_key] = cached
    return cached


def document_view(record: PublicRecord, status: str, lang: str, token: str | None = None) -> dict[str, str]:
    """The document's own values on the card, formatted for ``lang``. ``token`` is the QR's
    secret when the visitor holds it: then the full name and the PDF, else the masked name only."""
    from portal.flows.roles import ROLES

    t = i18n.STRINGS[lang]
    signer_role = ROLES.get(record.signer_role, record.signer_role)
    # A document no longer in force offers no file as if it were valid, and a file the flow
    # does not publish is never linked (the link would only lead to a 404).
    offer = bool(token) and status == "berlaku" and record.published
    # i18n.Strings: the card reads ``view.x`` as an attribute, which Jinja resolves in one step
    # (a plain dict would raise AttributeError first on every lookup).
    return i18n.Strings({
        "verdict": t[VERDICTS[status]],
        "status": i18n.STATUS_LABELS[lang][status],
        "holder": (record.holder_name if token else record.masked_holder) or "",
        "revoked_category": i18n.REVOCATION_CATEGORIES[lang].get(record.revoked_category or "", ""),
        "signer": f"{record.signer_name} · {signer_role}" if record.signer_name else signer_role,
        "type": i18n.doc_type_label(record.doc_type, lang),
        "date": i18n.format_date(record.document_date, lang),
        "valid_from": i18n.format_date(record.valid_from, lang),
        "valid_until": i18n.format_date(record.valid_until, lang),
        "signed_at": i18n.format_datetime(record.signed_at, lang),
        "revoked_at": i18n.format_datetime(record.revoked_at, lang),
        "download": url_for("verification.download", public_id=record.public_id, k=token) if offer else "",
        "withheld": bool(token) and status != "berlaku" and record.published,
        "timestamped": (record.level or "B-B") != "B-B",
        "superseded_by": (url_for("verification.document", public_id=record.superseded_by)
                          if record.superseded_by else ""),
    })


def offline_context(lang: str) -> dict[str, str]:
    """What the offline check script needs: the published key and the type labels."""
    key = offline.signing_key()
    return {"offline_key": key.public_b64, "offline_kid": key.key_id,
            "offline_types": i18n.type_labels_json(lang)}


def render_document(record: PublicRecord, status: str, lang: str, token: str | None = None) -> str:
    view = document_view(record, status, lang, token)
    body = card(lang).render(record=record, status=status, view=view)
    parts = frame(lang)
    title = escape(f"{view['type']} {record.number or ''}".strip())
    # One join of plain strings (Markup operations would escape and copy the page again).
    return "".join((parts.head, title, parts.top, escape(i18n.switch_href(lang)), parts.body_start,
                    body, parts.end))
