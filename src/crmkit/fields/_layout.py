"""What a form shows for one record: visible sections and fields with their flags."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from attrs import frozen

from ._compute import compute, truth
from ._definitions import FieldDef, FieldKind, Section
from ._options import Choice, PicklistOptions
from ._plan import Plan
from ._references import Lookup, record_values

__all__ = ["Layout", "LayoutField", "LayoutSection", "layout"]


@frozen
class LayoutField:
    """One field as a form shows it.

    Attributes:
        name: the field's name.
        label: its label in the requested locale.
        type: its kind.
        required: the form must not be saved without a value.
        read_only: the value cannot be changed (formulas always are).
        help_text: the field's help text.
        choices: for picklists, the choices open for this record (a dependent picklist's
            choices follow its controlling field); empty for other kinds.
        value: the record's current value (the computed one for a formula).
    """

    name: str
    label: str
    type: FieldKind
    required: bool
    read_only: bool
    help_text: str = ""
    choices: tuple[Choice, ...] = ()
    value: object = None


@frozen
class LayoutSection:
    """A visible section and its visible fields, in order.

    Attributes:
        name: the section's name (empty for the fields no section lists).
        label: its heading in the requested locale.
        fields: the visible fields.
    """

    name: str
    label: str
    fields: tuple[LayoutField, ...]


@frozen
class Layout:
    """The form for one record: its visible sections, in order.

    Attributes:
        sections: the sections with at least one visible field.
    """

    sections: tuple[LayoutSection, ...]

    @property
    def field_names(self) -> tuple[str, ...]:
        """Every visible field's name, in form order."""
        return tuple(f.name for s in self.sections for f in s.fields)

    def field(self, name: str) -> LayoutField | None:
        """Return the visible field *name*, or None when it is hidden or unknown."""
        for section in self.sections:
            for f in section.fields:
                if f.name == name:
                    return f
        return None


def _field(
    plan: Plan,
    f: FieldDef,
    full: Mapping[str, object],
    locale: str | None,
    now: datetime | date | None,
) -> LayoutField | None:
    visible = plan.visible.get(f.name)
    if visible is not None and truth(visible, full, now=now) is not True:
        return None
    condition = plan.required_when.get(f.name)
    required = f.required or (condition is not None and truth(condition, full, now=now) is True)
    locked = plan.read_only.get(f.name)
    read_only = f.type is FieldKind.FORMULA or (
        locked is not None and truth(locked, full, now=now) is True
    )
    choices: tuple[Choice, ...] = ()
    if isinstance(f.options, PicklistOptions):
        control = f.options.controlled_by
        choices = f.options.allowed(full.get(control) if control else None)
    return LayoutField(
        name=f.name,
        label=f.label_for(locale),
        type=f.type,
        required=required,
        read_only=read_only,
        help_text=f.help_text,
        choices=choices,
        value=full.get(f.name),
    )


def layout(
    plan: Plan,
    fields: Sequence[FieldDef],
    sections: Sequence[Section],
    record: object,
    *,
    locale: str | None = None,
    lookup: Lookup | None = None,
    now: datetime | date | None = None,
) -> Layout:
    """Return the form of *record* (see :meth:`Schema.layout`)."""
    full, _ = compute(plan, record_values(record), lookup=lookup, now=now)
    out = []
    groups: list[tuple[str, str, list[FieldDef]]] = []
    for section in sections:
        condition = plan.section_visible.get(section.name)
        if condition is not None and truth(condition, full, now=now) is not True:
            continue
        groups.append(
            (section.name, section.label_for(locale), [plan.by_name[n] for n in section.fields])
        )
    rest = [f for f in fields if f.name not in plan.section_of]
    if rest:
        groups.append(("", "", rest))
    for name, label, members in groups:
        shown = [x for x in (_field(plan, f, full, locale, now) for f in members) if x]
        if shown:
            out.append(LayoutSection(name, label, tuple(shown)))
    return Layout(tuple(out))
