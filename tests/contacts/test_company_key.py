"""Tests of company match keys."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmkit.contacts._company_key import _TRAILING, _words, company_match_key
from crmkit.errors import InvalidName


@pytest.mark.parametrize(
    "raw",
    [
        "ACME Ltd.",
        "Acme Limited",
        "acme, inc",
        "Acme Inc.",
        "Acme LLC",
        "Acme GmbH",
        "Acme GmbH & Co. KG",
        "Acme Corp",
        "Acme Co.",
        "Acme S.A.",
        "Acme SARL",
        "Acme B.V.",
        "ACME PLC",
        "Acme (Pvt.) Ltd.",
        "Acme Private Limited",
        "Acme & Co",
        "Acme AG",
        "Acme Pty Ltd",
        "The Acme Company",
    ],
)
def test_legal_forms_are_dropped(raw: str) -> None:
    """Names that differ only in legal form, case and punctuation share the key 'acme'."""
    assert company_match_key(raw) == "acme"


@pytest.mark.parametrize(
    "raw",
    [
        "شرکت پارس",
        "شركت پارس",
        "پارس سهامی خاص",
        "شرکت پارس (سهامی عام)",
        "پارس با مسئولیت محدود",
        "پارس با مسؤولیت محدود",
        "پارس پرائیویٹ لمیٹڈ",
        "پارس لمیٹڈ",
    ],
)
def test_persian_and_urdu_legal_forms_are_dropped(raw: str) -> None:
    """Persian and Urdu legal forms and letter variants fold to the bare name."""
    assert company_match_key(raw) == "پارس"


def test_words_are_kept_apart() -> None:
    """Different companies keep different keys."""
    assert company_match_key("Acme Trading Ltd") != company_match_key("Acme Ltd")


@pytest.mark.parametrize("raw", ["Limited Company", "The Co.", "شرکت سهامی خاص"])
def test_never_empty(raw: str) -> None:
    """A name made only of legal forms keeps its words."""
    assert company_match_key(raw)


@pytest.mark.parametrize(
    ("raw", "reason"), [("", "empty"), ("   ", "empty"), ("&.,", "no letters")]
)
def test_invalid_names(raw: str, reason: str) -> None:
    """Empty names and names without letters or digits raise InvalidName."""
    with pytest.raises(InvalidName, match=reason):
        company_match_key(raw)


@given(st.text())
def test_only_invalid_name_errors(raw: str) -> None:
    """Arbitrary text gives a non-empty, stable key or raises InvalidName."""
    try:
        key = company_match_key(raw)
    except InvalidName:
        return

    assert key
    assert key == company_match_key(key)
    assert key == company_match_key(raw.upper()) or not raw.isascii()


def _strip_all_forms(words: list[str]) -> list[str]:
    """Reference: try every legal form, longest first, until none ends the name."""
    kept = words
    stripped = True
    while kept and stripped:
        stripped = False
        for form in _TRAILING:
            if tuple(kept[-len(form) :]) == form:
                kept = kept[: -len(form)]
                stripped = True
                break
    return kept


_FORMS = ["Ltd", "Co", "Private Limited", "Pvt", "GmbH", "KG", "S.A.", "Inc", "سهامی خاص", "لمیٹڈ"]


@given(
    st.lists(st.sampled_from(["Acme", "Pars", "Co", "Limited", "Trading", "پارس"]), min_size=1),
    st.lists(st.sampled_from(_FORMS), max_size=4),
)
def test_forms_are_dropped_as_by_trying_every_form(base: list[str], forms: list[str]) -> None:
    """Looking forms up by their last word strips exactly what trying every form strips."""
    words = _words(" ".join(base + forms))
    expected = " ".join(_strip_all_forms(words) or words)
    assert company_match_key(" ".join(base + forms)) == expected
