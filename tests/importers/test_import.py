from __future__ import annotations

from pathlib import Path

import pytest

from crmkit.errors import ConfigError, NotFound
from crmkit.importers import export, import_file, undo_import
from crmkit.storage import MemoryStore


@pytest.mark.parametrize("name", ["utf8", "xlsx", "jsonl", "ragged", "bundled", "bundled_fa"])
def test_import_accounts_for_every_row(fixtures: dict[str, Path], name: str) -> None:
    """Created + updated + merged + skipped + rejected = rows read, on every fixture."""
    report = import_file(fixtures[name], MemoryStore())

    assert report.accounted


def test_second_import_creates_nothing(fixtures: dict[str, Path]) -> None:
    """Importing the same file twice adds no contact the second time."""
    store = MemoryStore()
    first = import_file(fixtures["bundled"], store)
    second = import_file(fixtures["bundled"], store)

    assert 0 == second.created
    assert first.created == store.contacts.count()


def test_undo_removes_what_was_created(fixtures: dict[str, Path]) -> None:
    """undo_import deletes the contacts the import created."""
    store = MemoryStore()
    report = import_file(fixtures["utf8"], store)

    assert report.created == undo_import(store, report.import_id)
    assert 0 == store.contacts.count()


def test_dry_run_writes_nothing(fixtures: dict[str, Path]) -> None:
    """A dry run reports but stores nothing."""
    store = MemoryStore()
    report = import_file(fixtures["utf8"], store, dry_run=True)

    assert report.created > 0
    assert 0 == store.contacts.count()


def test_export_round_trip(fixtures: dict[str, Path], tmp_path: Path) -> None:
    """Exported contacts are one line each."""
    store = MemoryStore()
    report = import_file(fixtures["utf8"], store)

    assert report.created == export(store, tmp_path / "out.csv")


def test_bad_arguments(fixtures: dict[str, Path]) -> None:
    """Unknown keys, choices and import ids are crmkit errors."""
    with pytest.raises(ConfigError, match="unknown key 'fax'"):
        import_file(fixtures["utf8"], MemoryStore(), key="fax")
    with pytest.raises(ConfigError, match="unknown choice 'x'"):
        import_file(fixtures["utf8"], MemoryStore(), on_duplicate="x")  # type: ignore[arg-type]
    with pytest.raises(NotFound, match="no import"):
        undo_import(MemoryStore(), "nope")
