"""What is wrong with a cell or a row of an input, as the row pipeline reports it."""

from __future__ import annotations

from typing import Final

from attrs import frozen

__all__ = ["PROBLEMS", "Problem"]

#: The field that lists a kept row's problems in words (``Mobile "12": ...too short``).
PROBLEMS: Final = "problems"


@frozen
class Problem:
    """What is wrong with a cell or a row: the column, the value, the reason and its code.

    Attributes:
        column: the input header (or ``"<row>"`` for a problem of the whole row).
        value: the cell's text.
        reason: the reason, in words.
        code: the stable code of the cause (an :class:`~crmkit.errors.ErrorCode`), for a
            program to branch on: ``contacts.invalid_phone``, ``values.invalid_date``...
        field: the field the cell feeds (empty for a problem of the whole row).
    """

    column: str
    value: str
    reason: str
    code: str
    field: str = ""

    @property
    def text(self) -> str:
        """The problem in words, with its column and value: ``Mobile "12": too short``."""
        if self.column == "<row>":
            return self.reason
        if not self.value:
            return f"{self.column}: {self.reason}"
        return f'{self.column} "{self.value}": {self.reason}'
