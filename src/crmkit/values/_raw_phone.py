"""Phone numbers kept as typed because they are not valid numbers.

A number that fails validation (a typo, a range newer than the numbering plan data, a test
number, a national number without its region) is still what the person typed, and two
records holding the same digits are likely the same person. A :class:`RawPhone` keeps the
text as typed and its digits as a match key; it is never shown or stored as E.164.
"""

from __future__ import annotations

from typing import Final

from attrs import field, frozen

from crmkit.errors import ErrorCode, InvalidPhone

__all__ = ["RawPhone", "phone_digits"]

# digits of other scripts read as the ASCII digits they stand for (as normalize_phone does)
_DIGITS: Final = str.maketrans(
    {
        **{0x06F0 + i: str(i) for i in range(10)},  # Persian
        **{0x0660 + i: str(i) for i in range(10)},  # Arabic-Indic
        **{0xFF10 + i: str(i) for i in range(10)},  # full-width
    }
)
#: Fewer digits than this are no number worth keeping as a match key.
MIN_DIGITS: Final = 3


def _typed_digits(text: str) -> str:
    return "".join(c for c in text.translate(_DIGITS) if "0" <= c <= "9")


def phone_digits(text: str) -> str:
    """The digits of *text* as a match key: prefixes that dialling adds taken off.

    The international prefix (``+`` or ``00``) and a trunk prefix ``0`` are not part of
    the number, so ``+98 912 345 678``, ``0098912345678`` and ``0912 345 678`` give
    ``98912345678``, ``98912345678`` and ``912345678``: the same number written with and
    without its country code ends the same way, which is what matching compares.
    """
    digits = _typed_digits(text)
    return digits.lstrip("0") or digits


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise InvalidPhone(value, "expected the number as typed, as text")
    return " ".join(value.split())


@frozen(kw_only=True)
class RawPhone:
    """A phone number as typed that is not a valid number: kept, never given as E.164.

    Attributes:
        text: the number as typed (whitespace collapsed).
        reason: why it is not a valid number (``"too short"``), when known.
        label: what kind of phone it was (``"mobile"``, ``"work"``, ``"home"``).
        digits: its match key (see :func:`phone_digits`): the digits without the
            international and trunk prefixes.

    Raises:
        InvalidPhone: for text that is not text, or was typed with fewer than three digits (code
            ``contacts.phone_no_digits``): nothing to match on.
    """

    text: str = field(converter=_text)
    reason: str = ""
    label: str = "work"
    digits: str = field(init=False)

    def __attrs_post_init__(self) -> None:
        for name in ("reason", "label"):
            given: object = getattr(self, name)  # callers are not type-checked
            if not isinstance(given, str):
                raise InvalidPhone(given, f"expected the {name} as text")
        if len(_typed_digits(self.text)) < MIN_DIGITS:
            raise InvalidPhone(
                self.text,
                f"fewer than {MIN_DIGITS} digits: nothing to keep as a number",
                code=ErrorCode.PHONE_NO_DIGITS,
            )
        object.__setattr__(self, "digits", phone_digits(self.text))

    @property
    def valid(self) -> bool:
        """Always False: a raw phone is one that did not validate."""
        return False

    def __str__(self) -> str:
        return self.text
