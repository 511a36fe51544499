from __future__ import annotations

from pathlib import Path

import pytest

from crmkit.errors import ConfigError, ErrorCode, NotFound
from crmkit.importers import CleanOptions, ReadOptions, export, import_file, undo_import
from crmkit.storage import MemoryStore, SqlStore


@pytest.mark.parametrize("name", ["utf8", "xlsx", "jsonl", "ragged", "bundled", "bundled_fa"])
def test_import_accounts_for_every_row(fixtures: dict[str, Path], name: str) -> None:
    """Created + updated + merged + skipped + rejected = rows read, on every fixture."""
    report = import_file(fixtures[name], MemoryStore())

    assert report.accounted


def test_second_import_creates_nothing(fixtures: dict[str, Path]) -> None:
    """Importing the same file twice adds no contact it can match the second time.

    The import matches by e-mail and phone: a row kept with a name alone (its e-mail and
    phone unreadable, kept under ``problems``) has nothing to be matched by.
    """
    store = MemoryStore()
    first = import_file(fixtures["bundled"], store)
    unmatchable = [c for c in store.contacts.find(limit=10_000) if not (c.emails or c.phones)]
    second = import_file(fixtures["bundled"], store)

    assert len(unmatchable) == second.created
    assert all("problems" in c.custom for c in unmatchable)
    assert first.created + second.created == store.contacts.count()


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


def test_row_to_contact_with_parsed_values_equals_reparsing(fixtures: dict[str, Path]) -> None:
    """Contacts built from the already-validated objects equal those re-read from text."""
    from crmkit.importers import map_columns, normalize_row, open_source, row_to_contact  # noqa: PLC0415

    table = open_source(fixtures["bundled"])
    mapping = map_columns(table.headers)
    checked = 0
    for row in table.rows():
        result = normalize_row(row, mapping)
        if result.status != "ok":
            continue
        fast = row_to_contact(result.values, emails=result.emails, phones=result.phones)
        slow = row_to_contact(result.values)
        checked += 1

        assert (slow.emails, slow.phones) == (fast.emails, fast.phones)
    assert checked > 100


def test_merges_are_written_and_counted(tmp_path: Path) -> None:
    """A row matching an earlier one by e-mail merges its new phone into that contact."""
    source = tmp_path / "in.csv"
    source.write_text(
        "Name,Email,Mobile\nAnn Lee,ann@alpha.example,+44 7400 123456\n"
        "Ann Lee,ann@alpha.example,+44 7400 999999\n",
        encoding="utf-8",
    )
    store = MemoryStore()
    report = import_file(source, store, batch_size=1)
    (contact,) = store.contacts.find()

    assert (1, 1) == (report.created, report.merged)
    assert ["+447400123456", "+447400999999"] == [p.number.e164 for p in contact.phones]


def test_a_merge_reports_each_value_it_does_not_keep(tmp_path: Path) -> None:
    """A differing title or custom value of a matched row is listed, never dropped unsaid."""
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text(
        "Name,Email,Title,Customer No\nAnn Lee,ann@alpha.example,CFO,A-1\n", encoding="utf-8"
    )
    second.write_text(
        "Name,Email,Title,Customer No\n"
        "Ann Lee,ann@alpha.example,CEO,B-2\n"  # both differ
        "Bo Li,bo@alpha.example,,\n",
        encoding="utf-8",
    )
    store = MemoryStore()
    import_file(first, store, keep_unmapped=True)

    report = import_file(second, store, keep_unmapped=True)

    assert (1, 1, 1) == (report.created, report.skipped, report.flagged)
    assert report.accounted
    assert [("Title", "CEO"), ("Customer No", "B-2")] == [
        (p.column, p.value) for p in report.problems
    ]
    assert {ErrorCode.VALUE_NOT_KEPT} == {p.code for p in report.problems}
    assert "the stored contact keeps 'CFO'" in report.problems[0].reason
    assert {"not kept": 2} == report.problem_reasons
    ann = next(c for c in store.contacts.find_all() if c.first_name == "Ann")
    assert ("CFO", {"customer_no": "A-1"}) == (ann.job_title, ann.custom)


def test_an_update_replaces_what_a_merge_would_not_keep(tmp_path: Path) -> None:
    """on_duplicate="update" takes the row's values and has nothing to report."""
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text("Name,Email,Title\nAnn Lee,ann@alpha.example,CFO\n", encoding="utf-8")
    second.write_text("Name,Email,Title\nAnn Lee,ann@alpha.example,CEO\n", encoding="utf-8")
    store = MemoryStore()
    import_file(first, store)

    report = import_file(second, store, on_duplicate="update")

    assert (1, 0) == (report.updated, report.flagged)
    assert ["CEO"] == [c.job_title for c in store.contacts.find_all()]


@pytest.mark.parametrize("key", ["email", "phone"])
@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_rows_matched_by_either_key_in_one_batch(tmp_path: Path, key: str, backend: str) -> None:
    """A row with both keys and a later row with only the other one reach one stored contact."""
    store = MemoryStore() if backend == "memory" else SqlStore(f"sqlite:///{tmp_path / 'crm.db'}")
    first = tmp_path / "first.csv"
    first.write_text(
        "Name,Email,Mobile\nAnn Lee,ann@alpha.example,+44 7400 123456\n", encoding="utf-8"
    )
    second = tmp_path / "second.csv"
    second.write_text(
        "Name,Email,Mobile,Title\n"
        "Ann Lee,ann@alpha.example,+44 7400 123456,\n"
        "Ann Lee,,+44 7400 123456,CEO\n"
        "Ann Lee,ann@alpha.example,,\n",
        encoding="utf-8",
    )
    import_file(first, store, key=key, options=CleanOptions(fuzzy=False))
    report = import_file(second, store, key=key, options=CleanOptions(fuzzy=False))
    (contact,) = store.contacts.find()

    assert (0, 1, 2) == (report.created, report.merged, report.skipped)
    assert "CEO" == contact.job_title
    store.close()


def _two_files(tmp_path: Path) -> tuple[Path, Path]:
    first = tmp_path / "first.csv"
    first.write_text(
        "Name,Email,Mobile,Company,City\n"
        "Robert Brown,bob@alpha.example,+44 7400 123456,Acme Ltd,Leeds\n",
        encoding="utf-8",
    )
    second = tmp_path / "second.csv"
    # another e-mail: the key (e-mail) finds nothing, the phone and the name tie it
    second.write_text(
        "Name,Email,Mobile,Company,City\n"
        "Bob Brown,robert@beta.example,+44 7400 123456,Acme Ltd,Leeds\n",
        encoding="utf-8",
    )
    return first, second


def test_rules_match_rows_to_stored_contacts(tmp_path: Path) -> None:
    """A row sharing only a phone and a nickname with a stored contact is merged into it."""
    first, second = _two_files(tmp_path)
    store = MemoryStore()
    import_file(first, store)
    report = import_file(second, store, key="email")

    (contact,) = store.contacts.find()

    assert (0, 1) == (report.created, report.merged)
    assert ["bob@alpha.example", "robert@beta.example"] == [e.address.value for e in contact.emails]


def test_key_alone_when_rules_are_off(tmp_path: Path) -> None:
    """With fuzzy=False the same row becomes a second contact."""
    first, second = _two_files(tmp_path)
    store = MemoryStore()
    import_file(first, store)
    report = import_file(second, store, key="email", options=CleanOptions(fuzzy=False))

    assert (1, 0) == (report.created, report.merged)
    assert 2 == store.contacts.count()


def test_bad_rules_for_import(fixtures: dict[str, Path]) -> None:
    """Rules that are not contact MatchRules fail with a ConfigError."""
    with pytest.raises(ConfigError, match="expected MatchRules, got str"):
        import_file(fixtures["utf8"], MemoryStore(), options=CleanOptions(rules="strict"))  # type: ignore[arg-type]


def test_parallel_import_counts_match(fixtures: dict[str, Path]) -> None:
    """Normalizing in two worker processes imports exactly what one process imports."""
    one = import_file(fixtures["bundled"], MemoryStore(), options=CleanOptions(workers=1))
    two = import_file(fixtures["bundled"], MemoryStore(), options=CleanOptions(workers=2))

    assert (one.created, one.merged, one.skipped, one.rejected) == (
        two.created,
        two.merged,
        two.skipped,
        two.rejected,
    )


def test_rules_find_a_stored_contact_by_a_later_email(tmp_path: Path) -> None:
    """A row whose second e-mail is a stored contact's first is merged into that contact."""
    first = tmp_path / "first.csv"
    first.write_text("Name,Email\nAnn Lee,ann@alpha.example\n", encoding="utf-8")
    second = tmp_path / "second.csv"
    second.write_text(
        'Name,Email\nAnn Lee,"ann@beta.example; ann@alpha.example"\n', encoding="utf-8"
    )
    store = MemoryStore()
    import_file(first, store)
    report = import_file(second, store)
    (contact,) = store.contacts.find()

    assert (0, 1) == (report.created, report.merged)
    assert ["ann@alpha.example", "ann@beta.example"] == [e.address.value for e in contact.emails]


def test_rejects_file_keeps_every_cell(fixtures: dict[str, Path], tmp_path: Path) -> None:
    """import_file(rejects=...) writes each rejected row's cells, row, column and reason."""
    import csv  # noqa: PLC0415

    rejects = tmp_path / "r.csv"
    report = import_file(fixtures["ragged"], MemoryStore(), rejects=rejects)
    with rejects.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))

    assert report.rejected == len(rows)
    assert ("Too Many", "extra", "cells", "4") == (
        rows[0]["Full Name"],
        rows[0]["extra_1"],
        rows[0]["extra_2"],
        rows[0]["row"],
    )
    assert report.accounted


def test_import_bad_region_store_and_rejects(fixtures: dict[str, Path], tmp_path: Path) -> None:
    """A bad region, store or rejects path is a ConfigError naming it, before any work."""
    with pytest.raises(ConfigError, match=r"^read\.region: unknown region 'XX'"):
        import_file(
            fixtures["utf8"], MemoryStore(), options=CleanOptions(read=ReadOptions(region="XX"))
        )
    with pytest.raises(ConfigError, match=r"^store: expected a crmkit Store, got NoneType"):
        import_file(fixtures["utf8"], None)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=r"^rejects: .* would overwrite the input"):
        import_file(fixtures["utf8"], MemoryStore(), rejects=fixtures["utf8"])
