"""A company's name folded into a key: legal forms, case, punctuation and script variants."""

from __future__ import annotations

import re
from typing import Final

from crmkit.errors import InvalidName

from ._names import _fold

__all__ = ["company_match_key"]

# Dots go without leaving a space so that "S.A." and "SA" are one word; any other mark
# separates words ("Acme,Inc", "Smith&Sons").
_NOT_WORD: Final = re.compile(r"[\W_]+")


def _words(text: str) -> list[str]:
    return _NOT_WORD.sub(" ", _fold(text).replace(".", "")).split()


# Legal forms and filler, as word sequences, removed from the end of a name (and "the" and
# "شرکت" from its start) until none is left. Kept to forms common in the regions crmkit's
# users work in; a longer list starts eating real names ("As", "Ab", "Oy").
_TRAILING: Final = sorted(
    {
        tuple(_words(form))
        for form in (
            "Ltd", "Limited", "LLC", "LLP", "Inc", "Incorporated", "Corp", "Corporation",
            "Co", "Company", "GmbH", "AG", "KG", "S.A.", "SARL", "SAS", "S.R.L.", "S.p.A.",
            "B.V.", "N.V.", "PLC", "Pty", "Pvt", "Private Limited", "Sdn Bhd",
            "سهامی خاص", "سهامی عام", "با مسئولیت محدود", "با مسؤولیت محدود", "تضامنی",
            "پرائیویٹ لمیٹڈ", "لمیٹڈ", "ذ.م.م", "ش.ذ.م.م",
        )
    },
    key=len,
    reverse=True,
)  # fmt: skip
_LEADING: Final = frozenset(_fold(w) for w in ("the", "شرکت"))
# The forms by their last word, longest first: a name is only checked against the forms
# that could end it, not the whole list.
_ENDING: Final[dict[str, tuple[tuple[str, ...], ...]]] = {
    last: tuple(form for form in _TRAILING if form[-1] == last)
    for last in {form[-1] for form in _TRAILING}
}


def company_match_key(name: str) -> str:
    """The key under which two spellings of a company's name are the same company.

    Case, accents, punctuation and Arabic-script letter variants are folded as in
    :func:`~crmkit.contacts.name_match_key`, and legal forms and filler are dropped
    (``Ltd``, ``Limited``, ``LLC``, ``GmbH``, ``Inc.``, ``Corp``, ``Co.``, ``S.A.``,
    ``SARL``, ``B.V.``, ``PLC``, ``(Pvt.) Ltd.``, ``Private Limited``, ``& Co``, ``AG``,
    ``Pty``, ``شرکت``, ``سهامی خاص``, ``سهامی عام``, ``با مسئولیت محدود``,
    ``پرائیویٹ لمیٹڈ``, ``لمیٹڈ``, a leading ``The``): ``ACME Ltd.``, ``Acme Limited`` and
    ``acme, inc`` all give ``acme``. A name made only of such words keeps them, so the
    key is never empty.

    Args:
        name: a company name as written.

    Returns:
        The key.

    Raises:
        InvalidName: when *name* is empty or has no letters or digits.
    """
    if not isinstance(name, str):
        raise InvalidName(name, "expected text")
    words = _words(name)
    if not words:
        raise InvalidName(name, "empty" if not name.strip() else "no letters or digits")
    kept = words
    while kept and kept[0] in _LEADING:
        kept = kept[1:]
    while kept:
        for form in _ENDING.get(kept[-1], ()):
            if tuple(kept[-len(form) :]) == form:
                kept = kept[: -len(form)]
                break
        else:
            break
    return " ".join(kept or words)
