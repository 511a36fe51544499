"""The contact exports of other CRMs map without configuration, and no column is dropped."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from crmkit.importers import CleanOptions, ReadOptions, clean_file, map_columns

# Google Contacts' older CSV: every header, in its order (values where a person has one)
GOOGLE_OLD = {
    "Name": "Maria Garcia", "Given Name": "Maria", "Additional Name": "Luisa",
    "Family Name": "Garcia", "Yomi Name": "", "Given Name Yomi": "",
    "Additional Name Yomi": "", "Family Name Yomi": "", "Name Prefix": "Dr.",
    "Name Suffix": "PhD", "Initials": "", "Nickname": "Mari", "Short Name": "",
    "Maiden Name": "", "Birthday": "1985-04-12", "Gender": "", "Location": "",
    "Billing Information": "", "Directory Server": "", "Mileage": "", "Occupation": "",
    "Hobby": "", "Sensitivity": "", "Priority": "", "Subject": "",
    "Notes": "Met at the Lisbon fair", "Language": "", "Photo": "",
    "Group Membership": "* myContacts ::: Customers",
    "E-mail 1 - Type": "* Work", "E-mail 1 - Value": "maria.garcia@acme.example",
    "E-mail 2 - Type": "Home", "E-mail 2 - Value": "mgarcia@mail.example",
    "Phone 1 - Type": "Mobile", "Phone 1 - Value": "+1 415 555 0142",
    "Phone 2 - Type": "Work", "Phone 2 - Value": "+1 415 555 0100",
    "Phone 3 - Type": "Home", "Phone 3 - Value": "+1 415 555 0199",
    "Address 1 - Type": "Work", "Address 1 - Formatted": "1 Market St\nSan Francisco",
    "Address 1 - Street": "1 Market St", "Address 1 - City": "San Francisco",
    "Address 1 - PO Box": "", "Address 1 - Region": "CA", "Address 1 - Postal Code": "94105",
    "Address 1 - Country": "United States", "Address 1 - Extended Address": "",
    "Organization 1 - Type": "", "Organization 1 - Name": "Acme Corp",
    "Organization 1 - Yomi Name": "", "Organization 1 - Title": "Head of Sales",
    "Organization 1 - Department": "Sales", "Organization 1 - Symbol": "",
    "Organization 1 - Location": "", "Organization 1 - Job Description": "",
    "Website 1 - Type": "Work", "Website 1 - Value": "https://acme.example",
}  # fmt: skip

# Google Contacts' newer CSV
GOOGLE_NEW = {
    "First Name": "Maria", "Middle Name": "Luisa", "Last Name": "Garcia",
    "Phonetic First Name": "", "Phonetic Middle Name": "", "Phonetic Last Name": "",
    "Name Prefix": "Dr.", "Name Suffix": "PhD", "Nickname": "Mari", "File As": "",
    "Organization Name": "Acme Corp", "Organization Title": "Head of Sales",
    "Organization Department": "Sales", "Birthday": "1985-04-12",
    "Notes": "Met at the Lisbon fair", "Photo": "", "Labels": "* myContacts ::: Customers",
    "E-mail 1 - Label": "* Work", "E-mail 1 - Value": "maria.garcia@acme.example",
    "E-mail 2 - Label": "Home", "E-mail 2 - Value": "mgarcia@mail.example",
    "Phone 1 - Label": "Mobile", "Phone 1 - Value": "+1 415 555 0142",
    "Phone 2 - Label": "Work", "Phone 2 - Value": "+1 415 555 0100",
    "Phone 3 - Label": "Home", "Phone 3 - Value": "+1 415 555 0199",
    "Address 1 - Label": "Work", "Address 1 - Formatted": "", "Address 1 - Street": "1 Market St",
    "Address 1 - City": "San Francisco", "Address 1 - PO Box": "", "Address 1 - Region": "CA",
    "Address 1 - Postal Code": "94105", "Address 1 - Country": "United States",
    "Address 1 - Extended Address": "", "Website 1 - Label": "Work",
    "Website 1 - Value": "https://acme.example",
}  # fmt: skip

# Outlook's CSV (the headers a person fills; Outlook writes some 90)
OUTLOOK = {
    "Title": "Dr.", "First Name": "Maria", "Middle Name": "Luisa", "Last Name": "Garcia",
    "Suffix": "PhD", "Company": "Acme Corp", "Department": "Sales",
    "Job Title": "Head of Sales", "Business Street": "1 Market St", "Business Street 2": "",
    "Business City": "San Francisco", "Business State": "CA", "Business Postal Code": "94105",
    "Business Country/Region": "United States", "Home Street": "9 Oak Ave",
    "Home City": "Oakland", "Home State": "CA", "Home Postal Code": "94601",
    "Business Fax": "", "Business Phone": "+1 415 555 0100", "Business Phone 2": "",
    "Home Phone": "+1 415 555 0199", "Mobile Phone": "+1 415 555 0142",
    "Other Phone": "", "Pager": "", "Birthday": "1985-04-12", "Categories": "Customers",
    "E-mail Address": "maria.garcia@acme.example", "E-mail Type": "SMTP",
    "E-mail Display Name": "Maria Garcia (maria.garcia@acme.example)",
    "E-mail 2 Address": "mgarcia@mail.example", "E-mail 2 Type": "SMTP",
    "Notes": "Met at the Lisbon fair", "Web Page": "https://acme.example",
}  # fmt: skip

# HubSpot's contacts export
HUBSPOT = {
    "Record ID": "5123", "First Name": "Maria", "Last Name": "Garcia",
    "Email": "maria.garcia@acme.example", "Phone Number": "+1 415 555 0100",
    "Mobile Phone Number": "+1 415 555 0142", "Company Name": "Acme Corp",
    "Job Title": "Head of Sales", "Street Address": "1 Market St", "City": "San Francisco",
    "State/Region": "CA", "Postal Code": "94105", "Country/Region": "United States",
    "Contact owner": "Sam Lee", "Lifecycle Stage": "customer", "Lead Status": "Open",
    "Original Source": "Offline Sources", "Website URL": "https://acme.example",
    "Create Date": "2024-03-01 10:00", "Last Activity Date": "2024-05-02 09:30",
}  # fmt: skip

# A Salesforce contacts report
SALESFORCE = {
    "Contact ID": "0035g00000XyZAB", "Salutation": "Dr.", "First Name": "Maria",
    "Last Name": "Garcia", "Title": "Head of Sales", "Account Name": "Acme Corp",
    "Mailing Street": "1 Market St", "Mailing City": "San Francisco",
    "Mailing State/Province": "CA", "Mailing Zip/Postal Code": "94105",
    "Mailing Country": "United States", "Phone": "+1 415 555 0100",
    "Mobile": "+1 415 555 0142", "Home Phone": "+1 415 555 0199", "Fax": "",
    "Email": "maria.garcia@acme.example", "Lead Source": "Trade Show",
    "Contact Owner": "Sam Lee", "Description": "Met at the Lisbon fair",
    "Birthdate": "1985-04-12", "Department": "Sales",
}  # fmt: skip

COMMON = {
    "first_name": "Maria",
    "last_name": "Garcia",
    "email": "maria.garcia@acme.example",
    "mobile": "+14155550142",
    "phone": "+14155550100",
    "company": "Acme Corp",
    "job_title": "Head of Sales",
    "city": "San Francisco",
    "state": "CA",
    "postal_code": "94105",
}
EXPECTED = {
    "google_old": (GOOGLE_OLD, {**COMMON, "email_2": "mgarcia@mail.example",
                                "home_phone": "+14155550199", "prefix": "Dr.",
                                "middle_name": "Luisa", "suffix": "PhD",
                                "birth_date": "1985-04-12", "notes": "Met at the Lisbon fair",
                                "tags": "* myContacts; Customers",
                                "website": "https://acme.example", "address": "1 Market St"}),
    "google_new": (GOOGLE_NEW, {**COMMON, "email_2": "mgarcia@mail.example",
                                "home_phone": "+14155550199", "prefix": "Dr.",
                                "middle_name": "Luisa", "birth_date": "1985-04-12",
                                "website": "https://acme.example", "address": "1 Market St"}),
    "outlook": (OUTLOOK, {**COMMON, "email_2": "mgarcia@mail.example", "prefix": "Dr.",
                          "home_phone": "+14155550199", "suffix": "PhD",
                          "tags": "Customers", "website": "https://acme.example"}),
    "hubspot": (HUBSPOT, {**COMMON, "owner": "Sam Lee", "lifecycle_stage": "customer",
                          "lead_source": "Offline Sources", "website": "https://acme.example"}),
    "salesforce": (SALESFORCE, {**COMMON, "prefix": "Dr.", "home_phone": "+14155550199",
                                "lead_source": "Trade Show", "owner": "Sam Lee",
                                "notes": "Met at the Lisbon fair"}),
}  # fmt: skip


def _write(path: Path, record: dict[str, str], copies: int = 2) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(record)
        for number in range(copies):
            values = dict(record)
            if number:
                # a second person, so the file is not one duplicate group
                values = {
                    k: v.replace("Maria", "Ana").replace("555", "556") for k, v in values.items()
                }
                values = {
                    k: v.replace("maria.garcia", "ana").replace("mgarcia", "ana2")
                    for k, v in values.items()
                }
            writer.writerow(values.values())
    return path


def _clean_rows(source: Path, tmp_path: Path) -> tuple[list[str], list[dict[str, str]]]:
    out = tmp_path / "clean.csv"
    options = CleanOptions(read=ReadOptions(region="US"), fuzzy=False)
    report = clean_file(source, out=out, options=options, escape_formulas=False)
    assert report.rejected == 0, report.rejections
    with out.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


@pytest.mark.parametrize("export", sorted(EXPECTED))
def test_export_maps_without_configuration(export: str, tmp_path: Path) -> None:
    """Every field of the export lands in its clean column; every other column is carried."""
    record, expected = EXPECTED[export]
    headers, rows = _clean_rows(_write(tmp_path / f"{export}.csv", record), tmp_path)
    first = rows[0]

    assert expected == {field: first[field] for field in expected}
    filled = [h for h, v in record.items() if v]
    mapping = map_columns(list(record))
    carried = [r.column for r in mapping.carried]
    assert [h for h in headers if h in carried] == carried  # in input order
    for header in filled:
        if header in carried:
            assert record[header] == first[header], header
        else:
            assert any(m.column == header and m.field for m in mapping.matches), header


def test_google_phone_types_route_the_numbers(tmp_path: Path) -> None:
    """Phone N - Type says which number is the mobile, the work and the home phone."""
    record = {
        "Given Name": "Ali", "Family Name": "Khan",
        "Phone 1 - Type": "Work", "Phone 1 - Value": "+92 42 35761234",
        "Phone 2 - Type": "* Mobile", "Phone 2 - Value": "+92 300 1234567 ::: +92 301 7654321",
        "Phone 3 - Type": "Home", "Phone 3 - Value": "+92 42 35769999",
    }  # fmt: skip
    _, rows = _clean_rows(_write(tmp_path / "google.csv", record, copies=1), tmp_path)

    assert "+924235761234" == rows[0]["phone"]
    assert ["+923001234567", "+923017654321"] == [rows[0]["mobile"], rows[0]["mobile_2"]]
    assert "+924235769999" == rows[0]["home_phone"]
    assert "* Mobile" == rows[0]["Phone 2 - Type"]  # carried, not lost


def test_several_email_and_phone_columns(tmp_path: Path) -> None:
    """Email 1, Email 2, Mobile and Work phone columns each keep their value."""
    record = {
        "Name": "Sara Ahmed", "Email 1": "sara@one.example", "Email 2": "sara@two.example",
        "E-mail 3 - Value": "sara@three.example", "Mobile": "+44 7400 123456",
        "Work phone": "+44 20 7946 0000", "Mobile 2": "+44 7400 654321",
    }  # fmt: skip
    _, rows = _clean_rows(_write(tmp_path / "many.csv", record, copies=1), tmp_path)
    row = rows[0]

    assert ["sara@one.example", "sara@two.example", "sara@three.example"] == [
        row["email"], row["email_2"], row["email_3"],
    ]  # fmt: skip
    assert ["+447400123456", "+447400654321"] == [row["mobile"], row["mobile_2"]]
    assert "+442079460000" == row["phone"]
