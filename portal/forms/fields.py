"""Fields the portal's forms share: checkbox lists, one-entry-per-line and paragraph text areas."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from wtforms import SelectChoice, SelectMultipleField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget


def choices(options: Mapping[str, str] | Iterable[str]) -> list[SelectChoice]:
    """Choices from a {value: label} vocabulary, or values that are their own label."""
    if isinstance(options, Mapping):
        return [SelectChoice(value, label) for value, label in options.items()]
    return [SelectChoice(value) for value in options]


class CheckboxListField(SelectMultipleField):
    """Several choices as checkboxes (iterate the field for one checkbox per choice)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LinesField(TextAreaField):
    """One entry per line (an address block, a tembusan list); blank lines dropped."""

    def __init__(self, *args, max_lines: int = 40, max_length: int = 300, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.max_lines, self.max_length = max_lines, max_length

    def process_formdata(self, valuelist) -> None:
        text = valuelist[0] if valuelist else ""
        self.data = [line.strip()[:self.max_length] for line in text.splitlines() if line.strip()][:self.max_lines]

    def _value(self) -> str:
        return "\n".join(self.data or [])


class ParagraphsField(TextAreaField):
    """Paragraphs separated by a blank line (the body of a letter)."""

    def __init__(self, *args, max_paragraphs: int = 30, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.max_paragraphs = max_paragraphs

    def process_formdata(self, valuelist) -> None:
        text = (valuelist[0] if valuelist else "").replace("\r\n", "\n")
        self.data = [p.strip() for p in text.split("\n\n") if p.strip()][:self.max_paragraphs]

    def _value(self) -> str:
        return "\n\n".join(self.data or [])
