"""Importing call logs and notes: activities linked to stored contacts and companies."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook

from crmkit.activities import Link
from crmkit.contacts import Company, Contact, EmailEntry, PhoneEntry
from crmkit.errors import ErrorCode, ValidationError
from crmkit.importers import CleanOptions, ReadOptions, import_file, undo_import
from crmkit.storage import MemoryStore, Store
from crmkit.values import normalize_email, normalize_phone


@pytest.fixture
def store(backend_store: Store) -> Store:
    """A store of each backend with two people and a company to link calls to."""
    made = backend_store
    made.contacts.add(
        Contact(
            id="c-zahra",
            first_name="زهرا",
            last_name="احمدی",
            emails=[EmailEntry(address=normalize_email("zahra@example.ir"))],
        )
    )
    made.contacts.add(
        Contact(
            id="c-imran",
            first_name="عمران",
            last_name="خان",
            phones=[PhoneEntry(number=normalize_phone("+923001234567", None))],
        )
    )
    made.companies.add(Company(id="co-pars", name="Pars Trading Co."))
    return made


def _csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


CALL_LOG = [
    ["Call log export — December"],
    [],
    ["Type", "Subject", "Date", "Duration", "Owner", "Outcome", "Phone", "E-mail", "Company"],
    ["Outbound call", "Follow-up", "2024-08-02 14:30", "5:32", "ana", "left a voicemail",
     "923001234567", "", ""],
    ["تماس", "پیگیری سفارش", "1403/05/12 09:15", "12", "ana", "", "", "zahra@example.ir", ""],
    ["Meeting", "Quarterly review", "2024-08-05", "", "bo", "", "", "", "pars trading"],
    ["Task", "Send the quote", "2999-01-10 10:00", "", "ana", "", "", "zahra@example.ir", ""],
    ["Call", "Nobody we know", "2024-08-02 10:00", "3", "ana", "", "+4915112345678",
     "nobody@example.com", ""],
    ["Call", "No one named", "2024-08-02 11:00", "3", "ana", "", "", "", ""],
    ["Fax", "Old habits", "2024-08-02 12:00", "", "ana", "", "", "zahra@example.ir", ""],
    ["Call", "Bad date", "next tuesday", "", "ana", "", "", "zahra@example.ir", ""],
]  # fmt: skip


def test_a_call_log_links_calls_and_reports_the_rest(store: Store, tmp_path: Path) -> None:
    """Rows become linked activities; unlinked, unknown-type and bad-date rows are rejected."""
    path = _csv(tmp_path / "calls.csv", CALL_LOG)
    options = CleanOptions(read=ReadOptions(locale="fa_IR", region="PK"))
    rejects = tmp_path / "rejects.csv"

    report = import_file(
        path, store, kind="activity", options=options, zone="Asia/Tehran", rejects=rejects
    )

    found = {a.subject: a for a in store.activities.find_all()}
    assert (8, 4, 4) == (report.rows_read, report.created, report.rejected)
    call = found["Follow-up"]
    assert ("call", (Link(kind="contact", id="c-imran"),)) == (call.kind, call.links)
    assert datetime(2024, 8, 2, 11, 0, tzinfo=UTC) == call.start_at  # 14:30 in Tehran
    assert call.start_at + timedelta(minutes=5, seconds=32) == call.end_at
    assert call.done_at == call.end_at
    assert "left a voicemail" == call.outcome
    persian = found["پیگیری سفارش"]
    assert (Link(kind="contact", id="c-zahra"),) == persian.links
    assert datetime(2024, 8, 2, 5, 45, tzinfo=UTC) == persian.start_at  # 1403/05/12 09:15
    meeting = found["Quarterly review"]
    assert (date(2024, 8, 5), "Asia/Tehran") == (meeting.start_date, meeting.zone)
    assert (Link(kind="company", id="co-pars"),) == meeting.links
    task = found["Send the quote"]
    assert (task.due_at, task.done_at) == (datetime(2999, 1, 10, 6, 30, tzinfo=UTC), None)
    codes = {(r.row, r.code) for r in report.rejections}
    assert {
        (8, ErrorCode.NO_LINK),
        (9, ErrorCode.NO_LINK),
        (10, ErrorCode.ACTIVITY_TYPE_UNREAD),
        (11, ErrorCode.INVALID_DATE),
    } == codes
    unlinked = next(r for r in report.rejections if r.row == 8)
    assert ("E-mail; Phone", "nobody@example.com; +4915112345678") == (
        unlinked.column,
        unlinked.value,
    )
    written = list(csv.reader(rejects.read_text(encoding="utf-8-sig").splitlines()))
    at = written[0].index("row")
    assert ["10", "11", "8", "9"] == [line[at] for line in written[1:]]  # the links come last


def test_dry_run_rerun_and_undo(store: Store, tmp_path: Path) -> None:
    """A dry run writes nothing, a second run creates nothing, undo removes what it made."""
    path = _csv(tmp_path / "calls.csv", CALL_LOG[2:6])
    options = CleanOptions(read=ReadOptions(locale="fa_IR", region="PK"))

    dry = import_file(path, store, kind="activity", options=options, dry_run=True)
    stored_after_dry = store.activities.count()
    first = import_file(path, store, kind="activity", options=options)
    again = import_file(path, store, kind="activity", options=options)
    undone = undo_import(store, first.import_id)

    assert (3, 0) == (dry.created, stored_after_dry)
    assert 3 == first.created
    assert (0, 3) == (again.created, again.skipped)
    assert 3 == undone
    assert 0 == store.activities.count()


def test_a_row_repeated_in_a_later_batch_is_matched(store: Store, tmp_path: Path) -> None:
    """Batches read their matches through the link index, so a repeat is found, not added."""
    row = ["Call", "Follow-up", "2024-08-02 14:30", "zahra@example.ir"]
    path = _csv(tmp_path / "calls.csv", [["Type", "Subject", "Date", "E-mail"], row, row])

    report = import_file(path, store, kind="activity", batch_size=1)

    assert (1, 1) == (report.created, report.skipped)
    assert 1 == store.activities.count()


def test_an_xlsx_notes_export_with_numbers_for_phones(tmp_path: Path) -> None:
    """A workbook's notes, phones typed as numbers, Urdu headers and type words, are linked."""
    store = MemoryStore()
    store.contacts.add(
        Contact(
            id="c-imran",
            first_name="عمران",
            last_name="خان",
            phones=[PhoneEntry(number=normalize_phone("+923001234567", None))],
        )
    )
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Notes export"])
    sheet.append(["قسم", "نوٹس", "تاریخ", "فون"])
    sheet.append(
        ["نوٹ", "کال کے بعد قیمت بھیجی\nدوسری سطر", datetime(2024, 3, 1, 9, 0), 923001234567]
    )
    sheet.append(["نوٹ", "کوئی نہیں", datetime(2024, 3, 1, 9, 0), 923009999999])
    path = tmp_path / "notes.xlsx"
    book.save(path)

    report = import_file(path, store, kind="activity")

    (note,) = store.activities.find_all()
    assert (1, 1) == (report.created, report.rejected)
    assert ("note", "کال کے بعد قیمت بھیجی") == (note.kind, note.subject)
    assert (Link(kind="contact", id="c-imran"),) == note.links
    assert datetime(2024, 3, 1, 9, 0, tzinfo=UTC) == note.start_at
    assert ErrorCode.NO_LINK == report.rejections[0].code


def test_an_unlinked_row_with_a_bad_phone_says_so(store: Store, tmp_path: Path) -> None:
    """A row linking to nobody because its phone is no phone is rejected for the phone."""
    path = _csv(
        tmp_path / "calls.csv",
        [["Type", "Phone", "Company"], ["Call", "12", ""], ["Call", "12", "Pars Trading"]],
    )

    options = CleanOptions(read=ReadOptions(region="PK"))

    report = import_file(path, store, kind="activity", options=options)

    assert (1, 1) == (report.created, report.rejected)
    (rejected,) = report.rejections
    assert ("Phone", "12", "contacts.invalid_phone") == (
        rejected.column,
        rejected.value,
        rejected.code,
    )


def test_a_bad_zone_is_refused(tmp_path: Path) -> None:
    """An import zone that is no IANA zone raises before anything is read."""
    path = _csv(tmp_path / "calls.csv", CALL_LOG[2:4])

    with pytest.raises(ValidationError) as caught:
        import_file(path, MemoryStore(), kind="activity", zone="Mars/Olympus")

    assert ErrorCode.UNKNOWN_ZONE == caught.value.code
