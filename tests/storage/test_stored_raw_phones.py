"""A phone kept as typed survives every store backend with its digits key."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmkit.contacts import Contact
from crmkit.storage import Store
from crmkit.values import RawPhone

_typed = st.builds(
    lambda head, digits, tail: f"{head}{digits}{tail}",
    st.sampled_from(["", "+", "00", "0", "(0) ", "+98 "]),
    st.text(alphabet="0123456789 -۰۱۲۳۴۵۶۷۸۹", min_size=3, max_size=16).filter(
        lambda t: sum(c.isdigit() for c in t) >= 3
    ),
    st.sampled_from(["", " ext", " x"]),
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(texts=st.lists(_typed, min_size=1, max_size=3), label=st.sampled_from(["work", "home"]))
def test_raw_phone_round_trip(store: Store, texts: list[str], label: str) -> None:
    """A contact's raw phones read back equal, digits key included, never as E.164."""
    contact = Contact(
        first_name="Ann",
        invalid_phones=[RawPhone(text=t, reason="too short", label=label) for t in texts],
    )

    store.contacts.add(contact)
    back = store.contacts.get(contact.id)

    assert contact == back
    assert [p.digits for p in contact.invalid_phones] == [p.digits for p in back.invalid_phones]
    assert () == back.phones
