"""Database errors reach the caller as crmkit errors, in one line, without the password."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmkit.contacts import Contact
from crmkit.errors import ConfigError, StorageError, ValidationError
from crmkit.storage import SqlStore, Store, open_store


def test_missing_folder_is_a_storage_error(tmp_path: Path) -> None:
    """A SQLite file in a folder that does not exist raises StorageError naming the URL."""
    url = f"sqlite:///{tmp_path / 'nowhere' / 'crm.db'}"
    store = open_store(url)

    with pytest.raises(StorageError, match="unable to open database file") as caught:
        store.contacts.count()

    message = str(caught.value)
    assert message.startswith(f"cannot use the database {url}: ")
    assert "\n" not in message
    assert (url, "unable to open database file") == (caught.value.url, caught.value.reason)


def test_unreachable_server_hides_the_password() -> None:
    """A server that refuses connections raises StorageError with the password hidden."""
    store = SqlStore("postgresql+psycopg://bob:s3cret@127.0.0.1:1/crm")
    shown = r"cannot use the database postgresql\+psycopg://bob:\*\*\*@127.0.0.1:1/crm: "

    with pytest.raises(StorageError, match=shown) as read:
        store.contacts.get("x")
    with pytest.raises(StorageError, match=shown) as history:
        store.history("x")

    for caught in (read, history):
        assert "s3cret" not in str(caught.value)
        assert "\n" not in str(caught.value)


def test_transaction_on_unopenable_database(tmp_path: Path) -> None:
    """Entering a transaction on a database that cannot be opened raises StorageError."""
    store = SqlStore(f"sqlite:///{tmp_path / 'nowhere' / 'crm.db'}")

    with pytest.raises(StorageError, match="cannot use the database sqlite:///"):  # noqa: SIM117
        with store.transaction():
            pass


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (42, "url: expected a database URL or an engine, not 42"),
        ("not a url", "url: not a database URL: 'not a url'"),
        ("nodb://x", "url: cannot open nodb://x"),
    ],
)
def test_open_store_bad_urls(url: object, message: str) -> None:
    """open_store refuses what is not a usable URL with ConfigError."""
    with pytest.raises(ConfigError, match=message):
        open_store(url)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("abc", "expected an iterable of ids, not str"),
        (None, "expected an iterable of ids, not NoneType"),
        (["a", 5], "an id is text, not int"),
    ],
)
def test_get_many_bad_ids(store: Store, given: object, message: str) -> None:
    """get_many refuses one text, a non-iterable and non-text ids with ValidationError."""
    with pytest.raises(ValidationError, match=message) as caught:
        store.contacts.get_many(given)  # type: ignore[arg-type]

    assert "record_ids" == caught.value.field


def test_transaction_does_not_swallow_errors(store: Store) -> None:
    """An error raised in a transaction block comes out unchanged after the rollback."""

    def add_then_fail() -> None:
        with store.transaction():
            store.contacts.add(Contact(first_name="Ada"))
            raise KeyError("boom")

    with pytest.raises(KeyError, match="'boom'"):
        add_then_fail()

    assert 0 == store.contacts.count()
