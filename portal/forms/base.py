"""WTForms base for every form of the portal, with Indonesian messages.

CSRF: `PortalForm` does no CSRF of its own. The portal already checks one session token on every
state-changing request (portal/core/csrf.py: the hidden `csrf_token` field, or the `X-CSRFToken`
header HTMX sends from <body>); Flask-WTF would add a second token with its own session key that
HTMX requests would also have to carry, for no extra protection.

Messages: WTForms' own messages are translated into fragments ("wajib diisi.") that `messages()`
prefixes with the field's label ("Perihal wajib diisi."); a message starting with a capital letter
is already a whole sentence and is shown as it is.
"""
from __future__ import annotations

from datetime import date

from wtforms import Form, StringField, ValidationError

from portal.core.dates import WIB, utcnow

# WTForms' messages (their msgid, singular form) → an Indonesian fragment following the label.
MESSAGES_ID: dict[str, str] = {
    "This field is required.": "wajib diisi.",
    "Field must be at least %(min)d character long.": "terlalu pendek (minimal %(min)d karakter).",
    "Field cannot be longer than %(max)d character.": "terlalu panjang (maksimal %(max)d karakter).",
    "Field must be exactly %(max)d character long.": "harus tepat %(max)d karakter.",
    "Field must be between %(min)d and %(max)d characters long.":
        "harus %(min)d sampai %(max)d karakter.",
    "Invalid email address.": "bukan alamat surel yang valid.",
    "Not a valid date value.": "tidak valid (gunakan tanggal kalender).",
    "Not a valid datetime value.": "tidak valid.",
    "Not a valid choice.": "tidak termasuk pilihan yang tersedia.",
    "Choices cannot be None.": "tidak memiliki pilihan.",
    "'%(value)s' is not a valid choice for this field.": "berisi pilihan yang tidak tersedia.",
    "Invalid Choice: could not coerce.": "tidak termasuk pilihan yang tersedia.",
    "Invalid choice(s): one or more data inputs could not be coerced.": "berisi pilihan yang tidak tersedia.",
    "Date must be at least %(min)s.": "tidak boleh sebelum %(min)s.",
    "Date must be at most %(max)s.": "tidak boleh setelah %(max)s.",
    "Date must be between %(min)s and %(max)s.": "harus antara %(min)s dan %(max)s.",
    "Not a valid time value.": "tidak valid (gunakan jam, mis. 09.30).",
    "Not a valid integer value.": "harus berupa bilangan bulat.",
    "Not a valid decimal value.": "harus berupa angka.",
    "Not a valid float value.": "harus berupa angka.",
    "Number must be at least %(min)s.": "minimal %(min)s.",
    "Number must be at most %(max)s.": "maksimal %(max)s.",
    "Number must be between %(min)s and %(max)s.": "harus antara %(min)s dan %(max)s.",
    "Invalid input.": "tidak valid.",
    "Invalid value, must be one of: %(values)s.": "harus salah satu dari: %(values)s.",
    "Invalid value, can't be any of: %(values)s.": "tidak boleh: %(values)s.",
    "Invalid URL.": "bukan alamat web yang valid.",
    "Field must be equal to %(other_name)s.": "harus sama dengan %(other_name)s.",
}
FALLBACK_ID = "tidak valid."  # never show an English message to a user


class IndonesianTranslations:
    """The gettext interface WTForms asks its `Meta.get_translations` for."""

    def gettext(self, string: str) -> str:
        return MESSAGES_ID.get(string, FALLBACK_ID)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return MESSAGES_ID.get(singular) or MESSAGES_ID.get(plural) or FALLBACK_ID


TRANSLATIONS = IndonesianTranslations()


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def today_wib() -> date:
    return utcnow().astimezone(WIB).date()


class FormInvalid(Exception):
    """A submission refused with messages for the person who filled it in (answered 422, or e.g.
    415 when an attached file is of the wrong type); the form keeps what was typed."""

    def __init__(self, errors: list[str], form: PortalForm | None = None, status: int = 422) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors
        self.form = form
        self.status = status


class PortalForm(Form):
    """Base of every form: Indonesian messages, text stripped, no CSRF of its own (see above).

    `today` (WIB) is what date validators compare with; tests pass their own.
    """

    class Meta:
        locales = False

        def get_translations(self, form):
            return TRANSLATIONS

        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, StringField):
                filters = unbound_field.kwargs.get("filters") or ()
                options = {**options, "filters": (_strip, *filters)}
            return unbound_field.bind(form=form, **options)

    def __init__(self, formdata=None, *, today: date | None = None, **kwargs) -> None:
        self.today = today or today_wib()
        super().__init__(formdata, **kwargs)

    def messages(self) -> list[str]:
        """Every error as a sentence, in the order of the fields, form-level errors last."""
        result = []
        for field in self:
            for error in _flat(field.errors):
                result.append(error if error[:1].isupper() else f"{field.label.text} {error}")
        result.extend(self.form_errors)
        return result

    def check(self) -> None:
        """Validate, or raise FormInvalid with every message."""
        if not self.validate():
            raise FormInvalid(self.messages(), self)


def _flat(errors) -> list[str]:
    if isinstance(errors, dict):
        return [e for value in errors.values() for e in _flat(value)]
    return [e for value in errors for e in (_flat(value) if isinstance(value, (list, dict)) else [value])]


class NotAfterToday:
    """A date that cannot lie in the future (a letter's date, the day it arrived)."""

    def __call__(self, form: PortalForm, field) -> None:
        if field.data is not None and field.data > form.today:
            raise ValidationError("tidak boleh setelah hari ini.")


class NotBeforeToday:
    """A date that cannot lie in the past (a due date)."""

    def __call__(self, form: PortalForm, field) -> None:
        if field.data is not None and field.data < form.today:
            raise ValidationError("tidak boleh sebelum hari ini.")


class AtLeastOne:
    """A checkbox list with at least one choice ticked (no `required` attribute on each box)."""

    def __init__(self, message: str = "pilih sedikitnya satu.") -> None:
        self.message = message

    def __call__(self, form: PortalForm, field) -> None:
        if not field.data:
            raise ValidationError(self.message)


class WorkingDay:
    """A date on the working-day calendar (not a weekend or a holiday the admins entered)."""

    def __call__(self, form: PortalForm, field) -> None:
        from portal.calendar.services import work_calendar

        if field.data is not None and not work_calendar().is_working_day(field.data):
            raise ValidationError("harus hari kerja (bukan Sabtu, Minggu atau hari libur).")
