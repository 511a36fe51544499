"""The deal fields formulas, policies and filters may name, with their types."""

from __future__ import annotations

from crmkit.errors import ValidationError

from ._deal_fields import DEAL_FIELDS
from ._pipeline import Pipeline

__all__ = ["deal_field_types"]


def deal_field_types(pipeline: Pipeline | None = None) -> dict[str, str]:
    """Return the deal fields a formula may read, each with its type name.

    The names and types are those :func:`crmkit.expr.compile` takes, so the result serves
    as the ``fields`` of a guard, a filter, or a policy's schema for deals
    (``schemas={"deal": deal_field_types(pipeline)}``). The result is a new dict each time.

    Args:
        pipeline: when given, its custom deal fields are included too.

    Raises:
        ValidationError: if *pipeline* is not a :class:`Pipeline`.
    """
    if pipeline is None:
        return {name: type_.value for name, type_ in DEAL_FIELDS.items()}
    if not isinstance(pipeline, Pipeline):
        raise ValidationError(type(pipeline).__name__, "expected a Pipeline", field="pipeline")
    return dict(pipeline._fields)
