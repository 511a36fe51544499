"""vCard files: read as a source (2.1, 3.0, 4.0), written by clean and export, round-tripped."""

from __future__ import annotations

import binascii
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmkit.cli import main
from crmkit.contacts import Contact
from crmkit.errors import ConfigError, ErrorCode, MissingDependency, SourceError
from crmkit.importers import (
    CleanOptions,
    ReadOptions,
    clean_file,
    export,
    import_file,
    open_source,
    preview,
)
from crmkit.importers._tabular import TableWriter
from crmkit.storage import MemoryStore
from crmkit.testing import contacts


def _qp(text: str) -> str:
    # line breaks inside the value are encoded (=0D=0A) and long lines end in a soft break
    # ("=" at the end of the line), as 2.1 writers do
    encoded = binascii.b2a_qp(text.encode("utf-8"), istext=False).decode("ascii")
    return encoded.replace("=\n", "=\r\n")


def _cards() -> str:
    """A 2.1 card in QUOTED-PRINTABLE UTF-8 (as Android writes), a 3.0 card, a 4.0 card."""
    family, given_ = _qp("رضایی"), _qp("علی")
    note = _qp("اولین تماس\r\nدر نمایشگاه")
    return (
        "BEGIN:VCARD\r\nVERSION:2.1\r\n"
        f"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{family};{given_};;;\r\n"
        f"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{given_} {family}\r\n"
        "TEL;CELL:+98 912 345 6789\r\nTEL;WORK;VOICE:+98 21 8877 6655\r\n"
        "EMAIL;INTERNET;PREF:ali@example.ir\r\n"
        f"NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{note}\r\n"
        "END:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lee;Ann;Marie;Dr.;\r\nFN:Dr. Ann Marie Lee\r\n"
        "ORG:Acme Ltd\r\nTITLE:CTO\r\n"
        "TEL;TYPE=CELL,VOICE:+44 7400 123456\r\nTEL;TYPE=HOME:+44 20 7946 0000\r\n"
        "EMAIL;TYPE=INTERNET,WORK:ann@acme.example\r\nEMAIL;TYPE=HOME:ann@home.example\r\n"
        "ADR;TYPE=WORK:;;1 Long Street\\, Floor 2;London;;EC1A 1AA;United Kingdom\r\n"
        "ADR;TYPE=HOME:;;9 Short Road;Leeds;;LS1 1AA;United Kingdom\r\n"
        "NOTE:A long note that is folded\r\n  across two lines\r\n"
        "CATEGORIES:Customers,VIP\r\nNICKNAME:Annie\r\nX-SKYPE:ann.lee\r\n"
        "END:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Sam Okafor\r\nN:Okafor;Sam;;;\r\n"
        "TEL;TYPE=cell;VALUE=uri:tel:+234-803-123-4567\r\nEMAIL:sam@example.ng\r\n"
        "END:VCARD\r\n"
    )


@pytest.fixture
def cards(tmp_path: Path) -> Path:
    """A .vcf file of three cards, one of each version."""
    path = tmp_path / "contacts.vcf"
    path.write_text(_cards(), encoding="utf-8", newline="")
    return path


def test_cards_are_rows_whose_columns_map_without_configuration(cards: Path) -> None:
    """Names, e-mails, typed phones, ORG, ADR, NOTE (folded, QP) and other properties land."""
    table = open_source(cards)
    rows = [dict(zip(table.headers, row.cells, strict=True)) for row in table.rows()]
    plan = preview(cards)

    assert "vcard" == table.format
    assert [1, 11, 29] == [r.number for r in plan.rows]
    assert ("علی", "رضایی", "ali@example.ir") == (
        rows[0]["first_name"], rows[0]["last_name"], rows[0]["email"],
    )  # fmt: skip
    assert ("+98 912 345 6789", "+98 21 8877 6655") == (rows[0]["mobile"], rows[0]["phone"])
    assert "اولین تماس\r\nدر نمایشگاه" == rows[0]["notes"]
    assert ["ann@acme.example", "ann@home.example"] == [rows[1]["email"], rows[1]["email_2"]]
    assert ("Acme Ltd", "CTO", "Dr.", "Marie") == (
        rows[1]["company"], rows[1]["job_title"], rows[1]["prefix"], rows[1]["middle_name"],
    )  # fmt: skip
    assert "+44 20 7946 0000" == rows[1]["home_phone"]
    assert ("1 Long Street, Floor 2", "London", "EC1A 1AA") == (
        rows[1]["address"], rows[1]["city"], rows[1]["postal_code"],
    )  # fmt: skip
    assert "9 Short Road, Leeds, LS1 1AA, United Kingdom" == rows[1]["ADR"]
    assert "A long note that is folded across two lines" == rows[1]["notes"]
    assert ("Customers; VIP", "Annie", "ann.lee") == (
        rows[1]["tags"], rows[1]["NICKNAME"], rows[1]["X-SKYPE"],
    )  # fmt: skip
    assert "+234-803-123-4567" == rows[2]["mobile"]
    assert all(row.status == "ok" for row in plan.rows)


def test_clean_to_vcf_and_back(cards: Path, tmp_path: Path) -> None:
    """The clean command with -o out.vcf writes cards that read back as the same contacts."""
    out = tmp_path / "clean.vcf"

    assert 0 == main(["clean", str(cards), "-o", str(out), "-q"])
    again = clean_file(out, out=tmp_path / "again.csv")
    first = clean_file(cards, out=tmp_path / "first.csv")
    assert first.created == again.created == 3
    table = open_source(out)
    rows = [dict(zip(table.headers, row.cells, strict=True)) for row in table.rows()]
    assert "+447400123456" == rows[1]["mobile"]
    assert "Annie" == rows[1]["NICKNAME"]  # carried, and written back under its name
    assert "1" == rows[0]["source_rows"]


_NAME = st.one_of(
    st.just(""),
    st.text(st.characters(categories=["L"]) | st.sampled_from(";,\\-' "), min_size=1, max_size=8)
    .map(str.strip)
    .filter(bool),
)
_EMAIL = st.from_regex(r"[a-z][a-z0-9]{0,6}@[a-z]{2,6}\.(com|ir|pk)", fullmatch=True)
_PHONE = st.integers(200_000_0000, 999_999_9999).map(lambda n: f"+1{n}")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    people=st.lists(
        st.tuples(_NAME, _NAME, st.lists(_EMAIL, min_size=1, max_size=3, unique=True),
                  st.lists(_PHONE, max_size=3, unique=True)),
        min_size=1, max_size=5,
    )
)  # fmt: skip
def test_rows_written_as_vcards_read_back_the_same(
    tmp_path: Path, people: list[tuple[str, str, list[str], list[str]]]
) -> None:
    """Names, e-mails and phones written to .vcf come back as they were written."""
    headers = ["first_name", "last_name", "email", "email_2", "email_3", "mobile", "mobile_2",
               "mobile_3", "Kundennummer"]  # fmt: skip
    path = tmp_path / "round.vcf"
    written = []
    with TableWriter(path, headers) as writer:
        for n, (first, last, emails, phones) in enumerate(people):
            row = [first, last, *(emails + [""] * 3)[:3], *(phones + [""] * 3)[:3], f"K-{n}"]
            writer.write(row)
            written.append(dict(zip(headers, row, strict=True)))
    table = open_source(path)
    read = [dict(zip(table.headers, row.cells, strict=True)) for row in table.rows()]

    for before, after in zip(written, read, strict=True):
        assert {k: v for k, v in before.items() if v} == {
            k: after.get(k, "") for k, v in before.items() if v
        }


def test_export_writes_vcards(tmp_path: Path) -> None:
    """export(..., "out.vcf") writes one card per contact, read back by import."""
    people = [
        Contact.create(name="Ann Lee", email="ann@acme.example", phone="+44 7400 123456"),
        Contact.create(name="علی رضایی", email="ali@example.ir"),
    ]
    path = tmp_path / "people.vcf"

    assert 2 == export(people, path, columns=["first_name", "last_name", "email", "phone"])
    store = MemoryStore()
    report = import_file(path, store)
    assert 2 == report.created
    names = sorted(c.full_name for c in store.contacts.find_all())
    assert ["Ann Lee", "علی رضایی"] == names


def test_a_file_with_no_card_is_a_source_error(tmp_path: Path) -> None:
    """Bad input: a .vcf holding no BEGIN:VCARD is refused with its code and reason."""
    path = tmp_path / "notes.vcf"
    path.write_text("Name,Email\nAnn,ann@example.com\n", encoding="utf-8")

    with pytest.raises(SourceError) as caught:
        open_source(path)

    assert ErrorCode.INVALID_VCARD == caught.value.code
    assert f"cannot read {path}: no vCard in the file (no BEGIN:VCARD line)" == str(caught.value)


def test_an_unreadable_card_is_one_rejected_row(tmp_path: Path) -> None:
    """A card vobject cannot parse is rejected with its code; the other cards are read."""
    broken = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Broken;Card\r\nthis line has no colon\r\nEND:VCARD\r\n"
    )
    path = tmp_path / "mixed.vcf"
    path.write_text(_cards() + broken, encoding="utf-8", newline="")
    rejects = tmp_path / "rejects.csv"

    report = clean_file(path, out=tmp_path / "clean.csv", rejects=rejects)

    assert (3, 1) == (report.created, report.rejected)
    (rejection,) = report.rejections
    assert ErrorCode.INVALID_VCARD == rejection.code
    assert rejection.reason.startswith("not a readable vCard")
    assert "this line has no colon" in rejects.read_text(encoding="utf-8-sig")


def test_cards_in_another_encoding_with_a_wrong_one_given(cards: Path) -> None:
    """Bad input: an encoding that does not fit the file is importers.encoding."""
    cards.write_bytes(_cards().replace("Ann", "Zoë").encode("utf-8"))

    with pytest.raises(SourceError) as caught:
        list(open_source(cards, encoding="ascii").rows())

    assert ErrorCode.SOURCE_ENCODING == caught.value.code


def test_vcard_needs_its_extra(
    cards: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without vobject, reading or writing .vcf names the vcard extra."""
    monkeypatch.setitem(sys.modules, "vobject", None)

    with pytest.raises(MissingDependency) as reading:
        open_source(cards)
    with pytest.raises(MissingDependency) as writing:
        clean_file(tmp_path / "none.csv", out=tmp_path / "out.vcf")

    assert ("vobject", "vcard") == (reading.value.module, reading.value.extra)
    assert "pip install 'crmkit[vcard]'" in str(writing.value)


def test_region_options_apply_to_cards(tmp_path: Path) -> None:
    """National numbers on cards are read with the region given, like any other source."""
    path = tmp_path / "pk.vcf"
    path.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Ayesha Malik\nN:Malik;Ayesha;;;\n"
                    "TEL;TYPE=CELL:0300 1234567\nEND:VCARD\n", encoding="utf-8")  # fmt: skip
    plan = preview(path, options=CleanOptions(read=ReadOptions(region="PK")))

    assert "+923001234567" == plan.rows[0].values["mobile"]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(people=st.lists(contacts(), min_size=1, max_size=4))
def test_contacts_exported_as_vcards_import_back_the_same(
    tmp_path: Path, people: list[Contact]
) -> None:
    """Names, every e-mail and every phone of contacts written to .vcf come back."""
    path = tmp_path / "people.vcf"
    export(people, path)
    store = MemoryStore()
    options = CleanOptions(fuzzy=False)
    report = import_file(path, store, options=options, on_duplicate="create")

    def seen(contact: Contact) -> tuple[str, str, tuple[str, ...], frozenset[str]]:
        # one address twice on a contact is one address once imported
        emails = tuple(dict.fromkeys(e.address.match_key for e in contact.emails))
        return (contact.first_name, contact.last_name, emails,
                frozenset(p.number.e164 for p in contact.phones))  # fmt: skip

    assert 0 == report.rejected, report.rejections
    assert sorted(map(seen, people)) == sorted(map(seen, store.contacts.find_all()))


def test_export_to_vcf_refuses_what_is_not_contacts(tmp_path: Path) -> None:
    """Bad input: a .vcf export of things that are not contacts names the item, writes nothing."""
    path = tmp_path / "people.vcf"
    with pytest.raises(ConfigError) as caught:
        export([Contact.create(name="Ann Lee"), {"name": "Bob"}], path)

    assert ErrorCode.CONFIG == caught.value.code
    assert "source[1]: expected a Contact, not dict" == str(caught.value)
    assert not path.exists()


def test_a_card_cannot_go_to_a_csv(tmp_path: Path) -> None:
    """Bad input: writing a card to a CSV writer is a ConfigError naming the option."""
    writer = TableWriter(tmp_path / "x.csv", ["name"], option="out")
    with pytest.raises(ConfigError) as caught:
        writer.write_card({"name": "Ann"})
    writer.discard()

    assert ("out", ErrorCode.CONFIG) == (caught.value.path, caught.value.code)
    assert str(caught.value).endswith("x.csv is no vCard file")
