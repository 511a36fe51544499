"""Person lists without e-mail, phone or company: address parts and birth dates decide."""

from __future__ import annotations

from datetime import date

import pytest

from crmkit.contacts import Contact
from crmkit.dedupe import BlockingKey, find_duplicates
from crmkit.dedupe._address_keys import street_key
from crmkit.dedupe._blocking import transform_of
from crmkit.errors import ConfigError
from crmkit.values import Address


def _member(  # noqa: PLR0917 - one argument per column of the list
    cid: str, first: str, last: str, born: date | None, street: str, code: str
) -> Contact:
    home = Address(lines=(street,), city="Carlton", postal_code=code, region="VIC")
    return Contact(id=cid, first_name=first, last_name=last, birth_date=born, addresses=[home])


def test_a_swapped_birth_date_and_a_short_street_type_find_the_duplicate() -> None:
    """Day and month swapped, St for Street, a nickname: still one person."""
    found = find_duplicates(
        [
            _member("a", "Margaret", "Oduya", date(1961, 3, 8), "14 Rathdowne Street", "3053"),
            _member("b", "Maggie", "Oduya", date(1961, 8, 3), "14 Rathdowne St", "3053"),
            _member("c", "Peter", "Oduya", date(1990, 6, 1), "14 Rathdowne St", "3053"),
        ]
    )

    assert [("a", "b")] == [g.ids for g in found.matches]


def test_the_report_says_which_keys_each_field_enabled() -> None:
    """A field blank everywhere enables no key; the address and birth date keys are on."""
    found = find_duplicates(
        [
            _member("a", "Ann", "Lee", date(1970, 1, 2), "1 High St", "2000"),
            _member("b", "Ann", "Lee", date(1970, 1, 2), "1 High St", "2000"),
        ]
    )
    report = found.blocking

    assert () == report.enabled_by("email")
    assert () == report.enabled_by("no such field")
    assert "street+postal_code" in report.enabled_by("street")
    assert "email" not in report.enabled
    assert not next(k for k in report.keys if k.name == "phone").enabled


@pytest.mark.parametrize(
    ("transform", "a", "b"),
    [
        ("day_month", "1961-03-08", "1961-08-03"),
        ("last_digits", "+98912345678", "912345678"),
        ("last_digits", "+12125550100", "2125550100"),
    ],
)
def test_transforms_put_slips_in_one_block(transform: str, a: str, b: str) -> None:
    """A swapped date, or a number with and without its country code, gives one key."""
    key = transform_of(transform)

    assert key(a) == key(b)


def test_street_keys_ignore_case_punctuation_and_street_types() -> None:
    """12 Smith Street and 12, SMITH ST. compare as one street."""
    assert street_key("12 Smith Street") == street_key("12, SMITH ST.") == "12 smith st"


def test_an_unknown_transform_is_refused() -> None:
    """A transform name that is not one of the known ones is a ConfigError with its path."""
    with pytest.raises(ConfigError, match="unknown transform") as info:
        BlockingKey(name="k", fields=("birth_date",), transforms=("dmy",))

    assert "transforms[0]" == info.value.path
