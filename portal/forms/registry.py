"""Step forms: records a person fills in at a flow step, found by the name a step declares.

A flow step says `form="disposisi"`; the component registered under that name (in its own area,
`@register_form("disposisi")`) provides its WTForms form, its typed tables, the HTMX partial shown
in the step's action panel, who may fill it in (`may_fill`), `submit` (stores the record; flush
only) and `render` (the record as the step's document). Who may *see* the record is who may see
that document: the document's declared visibility, not a second rule here. portal/forms/services.py runs them; the rendered
PDF takes the next version of the step's document slot, so the engine's document checks hold the
forward transition back until the record is submitted.
"""
from __future__ import annotations

import importlib
from datetime import datetime
from typing import ClassVar

from portal.forms.base import PortalForm

# Packages holding step-form components; importing one registers its forms.
COMPONENT_MODULES: tuple[str, ...] = ("portal.correspondence.disposition", "portal.licensing.apresiasi",
                                      "portal.licensing.checklist_forms", "portal.licensing.lks",
                                      "portal.licensing.pleno", "portal.assessment.decisions",
                                      "portal.assessment.results", "portal.assessment.apl02",
                                      "portal.assessment.apl01", "portal.assessment.apl01_review")


class StepForm:
    """Base of a registered step-form component; subclasses set the class attributes."""

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    form_class: ClassVar[type[PortalForm]] = PortalForm
    template: ClassVar[str] = ""  # HTMX partial for the step's action panel
    models: ClassVar[tuple[type, ...]] = ()  # its typed tables
    autosave: ClassVar[bool] = False  # long forms keep a draft while being filled in

    # --- access ---------------------------------------------------------------------------------
    def may_fill(self, user, case, work) -> bool:
        """Default: whoever may act on the open step (role, named person, own organisation)."""
        from portal.cases import engine

        return work.state == "open" and engine.may_act_on(user, case, work)

    # --- the form -------------------------------------------------------------------------------
    def initial(self, case, work) -> dict:
        """Values a fresh form starts with (e.g. a default due date)."""
        return {}

    def form(self, case, work, formdata=None, *, draft: dict | None = None, **kwargs) -> PortalForm:
        if formdata is None and draft:
            from werkzeug.datastructures import MultiDict

            formdata = MultiDict([(k, v) for k, values in draft.items() for v in values])
        return self.form_class(formdata, data=self.initial(case, work) if formdata is None else None, **kwargs)

    # --- storing and rendering ------------------------------------------------------------------
    def submit(self, case, work, form: PortalForm, actor, now: datetime):
        """Store the validated record (flush only) and return it."""
        raise NotImplementedError

    def render(self, case, record):
        """The record as the step's document: a `RenderedPdf` (portal/documents/pdf.py)."""
        raise NotImplementedError

    def filename(self, case, record) -> str:
        return f"{self.name}-{case.number}.pdf"

    def document_code(self, step) -> str:
        """The slot the rendered record fills: the step's first `produces` code."""
        return step.produces[0]

    def document_codes(self, step) -> tuple[str, ...]:
        """Every slot the rendered record fills (a record that is both the decree's "Aplikasi" and
        its "Rekaman" fills two); none of them is offered for upload at the step."""
        return (self.document_code(step),)


FORMS: dict[str, StepForm] = {}


def register_form(name: str):
    """Class decorator: `@register_form("disposisi") class Disposisi(StepForm): ...`."""

    def register(cls: type[StepForm]) -> type[StepForm]:
        if name in FORMS and type(FORMS[name]) is not cls:
            raise ValueError(f"step form {name!r} is registered twice")
        cls.name = name
        FORMS[name] = cls()
        return cls

    return register


def load_components() -> None:
    for module in COMPONENT_MODULES:
        importlib.import_module(module)


def get_form(name: str) -> StepForm:
    load_components()
    try:
        return FORMS[name]
    except KeyError:
        raise KeyError(f"no step form named {name!r}; registered: {', '.join(sorted(FORMS))}") from None


def form_for(step) -> StepForm | None:
    return get_form(step.form) if step.form else None


class FormDeclarationError(RuntimeError):
    pass


def check_forms(flows) -> None:
    """Start-up check: every `form=` a flow step names is registered and has a slot to fill."""
    load_components()
    problems = []
    for flow in (flows.values() if isinstance(flows, dict) else flows):
        for step in flow.steps:
            if not step.form:
                continue
            if step.form not in FORMS:
                problems.append(f"flow {flow.code}, step {step.key}: unknown form {step.form!r}")
            elif not step.produces:
                problems.append(f"flow {flow.code}, step {step.key}: form {step.form!r} needs a `produces` slot")
    if problems:
        raise FormDeclarationError("; ".join(problems))


def init_forms(app) -> None:
    """Called by create_app(): refuse to start with a flow naming an unknown form."""
    from portal.flows.registry import FLOWS

    check_forms(FLOWS)
    app.jinja_env.globals["step_form_for"] = form_for
