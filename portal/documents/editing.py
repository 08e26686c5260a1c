"""Drafts a drafter edits before they go to the signer: the fields people actually change (date,
place, addressees, Tembusan, body paragraphs, ...) on top of the generated context, re-rendered
from the official template instead of a PDF made elsewhere.

Pure functions over the context dataclasses: ``editable_fields`` says what a kind lets one change,
``apply_edits`` validates a submitted form into a new context (or Indonesian messages, nothing
lost), and ``to_data`` / ``from_data`` keep a context as JSON (in a case's data) between edits.
"""
from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from datetime import date
from typing import Literal

from portal.documents import contexts as c

FieldKind = Literal["date", "text", "lines", "paragraphs"]


@dataclass(frozen=True)
class EditableField:
    name: str  # the context attribute
    label: str
    kind: FieldKind  # lines: one item per line; paragraphs: separated by an empty line
    required: bool = True
    limit: int = 2000  # characters per item


_PLACE = EditableField("tempat", "Tempat penetapan/penandatanganan", "text", limit=60)
_DATE = EditableField("tanggal", "Tanggal surat", "date")
_TEMBUSAN = EditableField("tembusan", "Tembusan (satu per baris)", "lines", required=False, limit=200)
_LETTER = (
    _DATE, _PLACE,
    EditableField("hal", "Hal", "text", limit=300),
    EditableField("kepada", "Kepada (satu baris per baris alamat)", "lines", limit=200),
    EditableField("paragraf", "Isi surat (pisahkan paragraf dengan baris kosong)", "paragraphs"),
    _TEMBUSAN,
)
EDITABLE: dict[type, tuple[EditableField, ...]] = {
    c.LetterContext: _LETTER,
    c.UndanganContext: (
        *_LETTER[:4],
        EditableField("paragraf", "Pembuka (pisahkan paragraf dengan baris kosong)", "paragraphs"),
        EditableField("hari_tanggal", "Hari/tanggal acara", "date"),
        EditableField("waktu", "Waktu", "text", limit=60),
        EditableField("tempat_acara", "Tempat acara", "text", limit=200),
        EditableField("acara", "Acara", "text", limit=300),
        EditableField("penutup", "Penutup (pisahkan paragraf dengan baris kosong)", "paragraphs", required=False),
        _TEMBUSAN,
    ),
    c.SptContext: (
        _DATE, _PLACE,
        EditableField("dasar", "Dasar (satu per baris)", "lines", limit=500),
        EditableField("tugas", "Untuk (tugas)", "text", limit=500),
        EditableField("tempat_tugas", "Tempat tugas", "text", limit=200),
        EditableField("tanggal_mulai", "Tanggal mulai", "date"),
        EditableField("tanggal_selesai", "Tanggal selesai", "date"),
        _TEMBUSAN,
    ),
    c.SkContext: (
        _DATE, _PLACE,
        EditableField("tentang", "Tentang", "text", limit=300),
        EditableField("menimbang", "Menimbang (satu butir per baris)", "lines", limit=1000),
        EditableField("mengingat", "Mengingat (satu butir per baris)", "lines", limit=1000),
        _TEMBUSAN,
    ),
}


def editable_fields(context: object) -> tuple[EditableField, ...]:
    return EDITABLE.get(type(context), ())


def form_values(context: object) -> dict[str, str]:
    """The current values as the edit form shows them (the inverse of what apply_edits parses)."""
    values = {}
    for f in editable_fields(context):
        value = getattr(context, f.name)
        if f.kind == "date":
            values[f.name] = value.isoformat()
        elif f.kind == "lines":
            values[f.name] = "\n".join(value)
        elif f.kind == "paragraphs":
            values[f.name] = "\n\n".join(value)
        else:
            values[f.name] = value
    return values


def apply_edits(context, form) -> tuple[object, dict[str, str]]:
    """The context with the form's values, and a message per refused field ({} when all is well).

    On any error the original context comes back unchanged, so nothing half-applied is rendered.
    """
    changes, errors = {}, {}
    for f in editable_fields(context):
        raw = (form.get(f.name) or "").replace("\r\n", "\n")
        if f.kind == "date":
            try:
                changes[f.name] = date.fromisoformat(raw.strip())
            except ValueError:
                errors[f.name] = f"{f.label}: tanggal tidak valid."
            continue
        if f.kind == "text":
            items = [" ".join(raw.split())]
        elif f.kind == "lines":
            items = [" ".join(line.split()) for line in raw.split("\n")]
        else:
            items = [" ".join(p.split()) for p in raw.split("\n\n")]
        items = [item for item in items if item]
        if f.required and not items:
            errors[f.name] = f"{f.label} wajib diisi."
        elif any(len(item) > f.limit for item in items):
            errors[f.name] = f"{f.label}: paling panjang {f.limit} karakter per butir."
        else:
            changes[f.name] = items[0] if f.kind == "text" else items
    if not errors:
        start, end = changes.get("tanggal_mulai"), changes.get("tanggal_selesai")
        if start and end and end < start:
            errors["tanggal_selesai"] = "Tanggal selesai tidak boleh sebelum tanggal mulai."
    if errors:
        return context, errors
    return dataclasses.replace(context, **changes), {}


# --- keeping a context as JSON ----------------------------------------------------------------

def to_data(context) -> dict:
    """JSON-able form of a context (dates as ISO strings), for storing a draft between edits."""
    def plain(value):
        if isinstance(value, date):
            return value.isoformat()
        if dataclasses.is_dataclass(value):
            return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        return value

    return {"type": type(context).__name__, "fields": plain(context)}


def from_data(data: dict):
    """Rebuild a context stored with :func:`to_data`."""
    cls = getattr(c, data["type"], None)
    if cls is None or not dataclasses.is_dataclass(cls) or cls not in EDITABLE:
        raise ValueError(f"not a stored document context: {data.get('type')!r}")
    return _build(cls, data["fields"])


def _build(cls, values: dict):
    hints = typing.get_type_hints(cls, vars(c))
    kwargs = {name: _convert(hints[name], value) for name, value in values.items() if name in hints}
    return cls(**kwargs)


def _convert(hint, value):
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        return _convert(inner[0], value)
    if origin in (list, tuple):
        args = typing.get_args(hint)
        item = args[0] if args else str
        converted = [_convert(item, v) for v in value]
        return tuple(converted) if origin is tuple else converted
    if hint is date:
        return date.fromisoformat(value)
    if dataclasses.is_dataclass(hint):
        return _build(hint, value)
    return value
