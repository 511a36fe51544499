"""Importing companies, deals and custom objects: mapping, pipeline modes, re-runs, undo."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmkit.cli import main
from crmkit.errors import ConfigError, ErrorCode
from crmkit.importers import import_file, undo_import
from crmkit.pipeline import Pipeline
from crmkit.storage import MemoryStore, Store
from crmkit.values import Money

PIPELINE = Pipeline.from_dict(
    {
        "id": "sales",
        "name": "Sales",
        "stages": [
            {"id": "lead", "name": "Lead In"},
            {"id": "qualified", "name": "Qualified"},
            {"id": "proposal", "name": "Proposal Made", "required": ["amount"]},
            {"id": "won", "kind": "won"},
            {"id": "lost", "kind": "lost"},
        ],
        "transitions": {"allow_skip": False},
    }
)
# a pipeline whose graph lets no deal reach "archived" from its first stage
GRAPHED = Pipeline.from_dict(
    {
        "id": "renewals",
        "stages": [{"id": "open"}, {"id": "signed", "kind": "won"}, {"id": "archived"}],
        "transitions": {"graph": {"open": ["signed"], "signed": []}},
    }
)


@pytest.fixture
def store(backend_store: Store) -> Store:
    """A fresh store of each backend that knows the test pipelines."""
    made = backend_store
    made.use_pipelines([PIPELINE, GRAPHED])
    return made


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _companies(folder: Path) -> Path:
    """A company list as a CRM exports it: names with legal forms, websites, phones."""
    return _write(
        folder / "organizations.csv",
        ["Organization - Name", "Website", "Industry", "Phone", "City", "Country"],
        [
            ["Acme Ltd", "https://www.acme.example", "Tools", "+44 20 7946 0000", "London", "GB"],
            ["Globex GmbH", "globex.example", "Energy", "", "Berlin", "DE"],
            ["شرکت پارس", "pars.example", "", "+98 21 1234 5678", "تهران", "IR"],
            ["", "nameless.example", "", "", "", ""],
        ],
    )


def _deals(folder: Path) -> Path:
    """A Pipedrive-like deals export: every header starts with the kind."""
    return _write(
        folder / "deals.csv",
        [
            "Deal - ID",
            "Deal - Title",
            "Deal - Value",
            "Deal - Currency",
            "Deal - Stage",
            "Deal - Organization",
            "Deal - Expected close date",
            "Deal - Owner",
        ],
        [
            [
                "11",
                "Acme renewal",
                "12,500.00",
                "EUR",
                "Qualified",
                "ACME Limited",
                "2025-03-01",
                "u1",
            ],
            ["12", "Globex rollout", "PKR 1,000,000", "", "Proposal Made", "Globex", "", "u2"],
            ["13", "No amount yet", "", "", "proposal", "", "", ""],
            ["14", "Bad money", "twelve", "EUR", "lead", "", "", ""],
            ["15", "Unknown stage", "1", "EUR", "Negotiation", "", "", ""],
            ["16", "Closed", "5", "USD", "won", "", "", "u1"],
        ],
    )


def test_companies_import_and_rerun_creates_nothing(store: Store, tmp_path: Path) -> None:
    """A company list imports once; the nameless row is rejected; a second run adds nothing."""
    path = _companies(tmp_path)

    first = import_file(path, store, kind="company")
    second = import_file(path, store, kind="company")

    assert (3, 1) == (first.created, first.rejected)
    assert Rejection_of(first, 5) == ("<row>", ErrorCode.REQUIRED_VALUE, "a company needs a name")
    assert 0 == second.created
    assert 3 == store.companies.count()
    acme = store.companies.find_by_keys("domain", ["acme.example"])["acme.example"][0]
    assert ("Acme Ltd", "Tools", "+442079460000") == (
        acme.name,
        acme.industry,
        acme.phones[0].number.e164,
    )


def Rejection_of(report: Any, row: int) -> tuple[str, str, str]:  # noqa: N802 - reads as a noun
    """The column, code and reason of the rejection of *row*."""
    (found,) = [r for r in report.rejections if r.row == row]
    return found.column, found.code, found.reason


def test_company_matched_by_name_when_domain_differs_in_spelling(tmp_path: Path) -> None:
    """A row naming a stored company in another spelling updates it rather than adding one."""
    store = MemoryStore()
    import_file(_companies(tmp_path), store, kind="company")
    again = _write(
        tmp_path / "more.csv", ["Company name", "Branche"], [["ACME Limited", "Werkzeug"]]
    )

    report = import_file(again, store, kind="company", on_duplicate="update")

    assert (0, 1) == (report.created, report.updated)
    assert {"Werkzeug", "Energy", None} == {c.industry for c in store.companies.find_all()}


def test_contacts_are_linked_to_stored_companies(store: Store, tmp_path: Path) -> None:
    """A contact whose company column (or e-mail domain) names a stored company is linked."""
    import_file(_companies(tmp_path), store, kind="company")
    people = _write(
        tmp_path / "people.csv",
        ["Name", "Email", "Company"],
        [
            ["Jo Bloggs", "jo@acme.example", "ACME"],
            ["Hans Meier", "hans@globex.example", ""],
            ["Sam Free", "sam@gmail.com", "Nobody Inc"],
        ],
    )

    report = import_file(people, store)
    undone = undo_import(store, report.import_id)

    assert 2 == report.linked
    assert 3 == undone
    assert 0 == store.affiliations.count()


def test_deals_enforce_rejects_with_reasons(store: Store, tmp_path: Path) -> None:
    """Each unusable deal row is rejected with its column, code and reason."""
    report = import_file(_deals(tmp_path), store, kind="deal", pipelines=[PIPELINE, GRAPHED])

    assert (3, 3) == (report.created, report.rejected)
    assert ("Deal - Value", "pipeline.transition_denied") == Rejection_of(report, 4)[:2]
    assert "amount is required to enter stage 'proposal'" == Rejection_of(report, 4)[2]
    assert ("Deal - Value", "values.invalid_money") == Rejection_of(report, 5)[:2]
    column, code, reason = Rejection_of(report, 6)
    assert ("Deal - Stage", ErrorCode.UNKNOWN_STAGE) == (column, code)
    assert reason.startswith("no stage 'Negotiation' in pipeline 'sales'")
    deal = next(iter(store.deals.find_all('title = "Acme renewal"')))
    acme = store.companies.count()
    assert (Money(Decimal("12500.00"), "EUR"), "qualified", "imported") == (
        deal.amount,
        deal.stage_id,
        deal.history[-1].reason,
    )
    assert 0 == acme  # no company stored: the name stays in the deal's custom values
    assert "ACME Limited" == deal.custom["company"]


def test_deals_link_to_stored_companies(tmp_path: Path) -> None:
    """A deal naming a stored company gets its company_id."""
    store = MemoryStore()
    store.use_pipelines([PIPELINE])
    import_file(_companies(tmp_path), store, kind="company")

    import_file(_deals(tmp_path), store, kind="deal", pipelines=[PIPELINE])

    deal = next(iter(store.deals.find_all('title = "Globex rollout"')))
    globex = store.companies.get(str(deal.company_id))
    assert ("Globex GmbH", Money(Decimal(1000000), "PKR")) == (globex.name, deal.amount)


def test_unreachable_stage_enforced_and_loaded(tmp_path: Path) -> None:
    """A stage the moves cannot reach is rejected under enforce and stored under load."""
    store = MemoryStore()
    store.use_pipelines([GRAPHED])
    path = _write(
        tmp_path / "r.csv", ["Title", "Pipeline", "Stage"], [["Old", "renewals", "archived"]]
    )

    enforced = import_file(path, store, kind="deal", pipelines=[GRAPHED])
    loaded = import_file(path, store, kind="deal", pipelines=[GRAPHED], pipeline_mode="load")

    assert ("Stage", ErrorCode.UNREACHABLE_STAGE) == Rejection_of(enforced, 2)[:2]
    assert "cannot reach stage 'archived'" in Rejection_of(enforced, 2)[2]
    assert 1 == loaded.created
    (deal,) = store.deals.find_all()
    assert ("archived", "imported") == (deal.stage_id, deal.history[-1].reason)


def test_load_mode_stores_history_as_it_stands(tmp_path: Path) -> None:
    """Under load a lost deal with no lost reason and a deal lacking its amount are stored."""
    store = MemoryStore()
    store.use_pipelines([PIPELINE])
    path = _write(
        tmp_path / "old.csv",
        ["Deal Name", "Deal Stage"],
        [["Gone", "lost"], ["Half", "Proposal Made"]],
    )

    enforced = import_file(path, store, kind="deal", pipelines=[PIPELINE], dry_run=True)
    loaded = import_file(path, store, kind="deal", pipelines=[PIPELINE], pipeline_mode="load")

    assert 2 == enforced.rejected
    assert "lost_reason is required" in Rejection_of(enforced, 2)[2]
    assert 2 == loaded.created
    assert {"lost", "proposal"} == {d.stage_id for d in store.deals.find_all()}


def test_moved_deal_enforced_loaded_and_undone(tmp_path: Path) -> None:
    """A re-import moving a deal is checked (enforce) or appended (load); undo moves it back."""
    store = MemoryStore()
    store.use_pipelines([PIPELINE])
    first = _write(tmp_path / "a.csv", ["Title", "Stage", "Amount"], [["Big", "lead", "10 USD"]])
    import_file(first, store, kind="deal", pipelines=[PIPELINE])
    later = _write(
        tmp_path / "b.csv", ["Title", "Stage", "Amount"], [["Big", "Proposal Made", "10 USD"]]
    )

    refused = import_file(later, store, kind="deal", pipelines=[PIPELINE])
    loaded = import_file(later, store, kind="deal", pipelines=[PIPELINE], pipeline_mode="load")
    moved = next(iter(store.deals.find_all()))
    undo_import(store, loaded.import_id)
    back = next(iter(store.deals.find_all()))

    assert "does not allow moving from 'lead' to 'proposal'" in Rejection_of(refused, 2)[2]
    assert ("Stage", ErrorCode.TRANSITION) == Rejection_of(refused, 2)[:2]
    assert ("proposal", 2) == (moved.stage_id, len(moved.history))
    assert ["lead", "proposal", "lead"] == [c.to_stage for c in back.history]


def test_money_in_locale_and_two_columns(tmp_path: Path) -> None:
    """German amounts with the symbol, and amount and currency in two columns, are read."""
    store = MemoryStore()
    store.use_pipelines([PIPELINE])
    path = _write(
        tmp_path / "de.csv",
        ["Titel", "Betrag", "Währung", "Phase", "Abschlussdatum"],
        [
            ["Auftrag", "€12.500,00", "", "Lead In", "03.04.2025"],
            ["Zweiter", "1.000", "CHF", "", ""],
        ],
    )

    import_file(path, store, kind="deal", pipelines=[PIPELINE], options=_locale("de_DE"))

    deals = {d.title: d for d in store.deals.find_all()}
    assert Money(Decimal("12500.00"), "EUR") == deals["Auftrag"].amount
    assert "2025-04-03" == str(deals["Auftrag"].close_date)
    assert Money(Decimal(1000), "CHF") == deals["Zweiter"].amount


def _locale(name: str) -> Any:
    from crmkit.importers import CleanOptions, ReadOptions  # noqa: PLC0415

    return CleanOptions(read=ReadOptions(locale=name))


@pytest.mark.parametrize(
    ("header", "field"),
    [
        (["Название сделки", "Сумма", "Этап"], "ru"),
        (["عنوان معامله", "مبلغ", "مرحله"], "fa"),
        (["ڈیل کا نام", "رقم", "مرحلہ"], "ur"),
        (["اسم الصفقة", "المبلغ", "المرحلة"], "ar"),
        (["Nom de l'affaire", "Montant", "Étape"], "fr"),
        (["Nombre del negocio", "Importe", "Etapa"], "es"),
        (["Anlaşma adı", "Tutar", "Aşama"], "tr"),
        (["डील का नाम", "राशि", "चरण"], "hi"),
    ],
)
def test_deal_headers_in_the_seeds_languages(tmp_path: Path, header: list[str], field: str) -> None:
    """Deal headers in every seed language map to title, amount and stage."""
    path = _write(tmp_path / f"{field}.csv", header, [["X", "5 USD", "qualified"]])
    store = MemoryStore()
    store.use_pipelines([PIPELINE])

    report = import_file(path, store, kind="deal", pipelines=[PIPELINE])

    assert ["title", "amount", "stage"] == [r.field for r in report.mapping.rules]
    assert 1 == report.created


def test_custom_objects_import_by_schema(store: Store, tmp_path: Path) -> None:
    """A custom object list maps to its fields, reads their types, and re-runs create nothing."""
    store.register_object_type("project", {"code": "text", "budget": "number", "start": "date"})
    path = _write(
        tmp_path / "projects.csv",
        ["Code", "Budget", "Start", "Colour"],
        [
            ["P-1", "1,500", "2024-01-02", "red"],
            ["P-2", "lots", "2024-02-03", ""],
            ["", "5", "", ""],
        ],
    )

    first = import_file(path, store, kind="project")
    second = import_file(path, store, kind="project")

    (project,) = store.objects("project").find_all()
    assert (1, 2) == (first.created, first.rejected)
    assert ("Budget", "validation.invalid") == Rejection_of(first, 3)[:2]
    assert ErrorCode.REQUIRED_VALUE == Rejection_of(first, 4)[1]
    assert [("Colour", "no field matches this header")] == list(first.mapping.ignored)
    assert [
        ("Code", "custom:code"),
        ("Budget", "custom:budget"),
        ("Start", "custom:start"),
        ("Colour", None),
    ] == [(m.column, m.field) for m in first.mapping.matches]
    colour = first.mapping.matches[-1]
    assert ("ignored", "no field matches this header") == (colour.how, colour.reason)
    assert {"code": "P-1", "budget": Decimal(1500)} == {
        k: project.custom[k] for k in ("code", "budget")
    }
    assert 0 == second.created


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    """A dry run of companies and deals reports what it would do and stores nothing."""
    store = MemoryStore()
    store.use_pipelines([PIPELINE])

    companies = import_file(_companies(tmp_path), store, kind="company", dry_run=True)
    deals = import_file(_deals(tmp_path), store, kind="deal", pipelines=[PIPELINE], dry_run=True)

    assert (3, 3) == (companies.created, deals.created)
    assert (0, 0) == (store.companies.count(), store.deals.count())


def test_bad_arguments(tmp_path: Path) -> None:
    """An unknown kind, a deal import without pipelines and a bad mode are ConfigErrors."""
    path = _companies(tmp_path)
    with pytest.raises(ConfigError, match="unknown record kind 'ticket'") as unknown:
        import_file(path, MemoryStore(), kind="ticket")
    with pytest.raises(ConfigError, match="a deal import needs the pipelines") as missing:
        import_file(path, MemoryStore(), kind="deal")
    with pytest.raises(ConfigError, match="unknown mode 'maybe'") as mode:
        import_file(path, MemoryStore(), kind="deal", pipelines=[PIPELINE], pipeline_mode="maybe")  # type: ignore[arg-type]
    store = MemoryStore()
    store.register_object_type("project", {"code": "text"})
    with pytest.raises(ConfigError, match="has no field 'nope'") as field:
        import_file(path, store, kind="project", match_field="nope")

    assert ErrorCode.UNKNOWN_KIND == unknown.value.code
    assert ("pipelines", ErrorCode.CONFIG) == (missing.value.path, missing.value.code)
    assert "pipeline_mode" == mode.value.path
    assert ErrorCode.CONFIG_UNKNOWN_KEY == field.value.code


def test_cli_kind(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``crmkit import --kind`` imports deals with a pipeline file; an unknown kind fails."""
    (tmp_path / "sales.json").write_text(json.dumps(PIPELINE.to_dict()), encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'crm.db'}"
    deals = str(_deals(tmp_path))

    ok = main(
        [
            "import",
            deals,
            "--db",
            db,
            "--kind",
            "deal",
            "--pipeline",
            str(tmp_path / "sales.json"),
            "--json",
        ]
    )
    printed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    bad = main(["import", deals, "--db", db, "--kind", "ticket"])
    error = capsys.readouterr().err

    assert (0, 3, 3) == (ok, printed["created"], printed["rejected"])
    assert 2 == bad
    assert "crmkit: --kind: unknown record kind 'ticket'" in error


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["Acme", "Globex", "Initech", "Umbrella", "Hooli"]),
            st.sampled_from(["lead", "qualified", "won", "Lead In"]),
            st.integers(min_value=1, max_value=10**7),
            st.sampled_from(["EUR", "USD", "PKR"]),
        ),
        min_size=1,
        max_size=12,
    ),
    existing=st.integers(min_value=0, max_value=3),
)
def test_import_then_undo_leaves_the_store_as_it_was(
    tmp_path: Path, rows: list[tuple[str, str, int, str]], existing: int
) -> None:
    """Import (companies, then deals) and undo both: the store holds what it held before."""
    store = MemoryStore()
    store.use_pipelines([PIPELINE])
    names = ["Acme", "Globex", "Initech"][:existing]
    seed = _write(tmp_path / "seed.csv", ["Name"], [[n] for n in names])
    import_file(seed, store, kind="company")
    before = sorted((c.id, c.name, c.industry) for c in store.companies.find_all())
    companies = _write(tmp_path / "c.csv", ["Name", "Industry"], [[n, "Retail"] for n, *_ in rows])
    deals = _write(
        tmp_path / "d.csv",
        ["Title", "Stage", "Amount", "Currency", "Company"],
        [[f"{n} {i}", s, str(a), c, n] for i, (n, s, a, c) in enumerate(rows)],
    )

    made = import_file(companies, store, kind="company", on_duplicate="update")
    sold = import_file(deals, store, kind="deal", pipelines=[PIPELINE])
    again = import_file(deals, store, kind="deal", pipelines=[PIPELINE])
    undo_import(store, sold.import_id)
    undo_import(store, made.import_id)

    assert 0 == again.created
    assert len(rows) == sold.created
    assert 0 == store.deals.count()
    assert before == sorted((c.id, c.name, c.industry) for c in store.companies.find_all())


def test_loading_history_relaxes_checks_only_inside_the_block() -> None:
    """Inside loading_history a lost deal without a reason is stored; outside it is refused."""
    from crmkit.errors import TransitionDenied  # noqa: PLC0415
    from crmkit.pipeline import Deal  # noqa: PLC0415
    from crmkit.storage import loading_history  # noqa: PLC0415

    store = MemoryStore()
    store.use_pipelines([PIPELINE])
    lost = Deal(title="Gone", pipeline_id="sales", stage_id="lost", stage_kind="lost")
    with loading_history():
        store.deals.add(lost)
    with pytest.raises(TransitionDenied, match="lost_reason is required") as refused:
        store.deals.add(Deal(title="Again", pipeline_id="sales", stage_id="lost"))
    with loading_history(), pytest.raises(TransitionDenied, match="no stage 'nope'") as unknown:
        store.deals.add(Deal(title="Nowhere", pipeline_id="sales", stage_id="nope"))

    assert ["lost"] == [d.stage_id for d in store.deals.find_all()]
    assert ErrorCode.TRANSITION == refused.value.code
    assert ErrorCode.UNKNOWN_STAGE == unknown.value.code


def test_later_batches_update_what_earlier_ones_wrote(store: Store, tmp_path: Path) -> None:
    """With one row a batch, a key seen again updates the record at its stored version."""
    store.register_object_type("project", {"code": "text", "budget": "number"})
    path = _write(
        tmp_path / "p.csv", ["Code", "Budget"], [["A", "1"], ["B", "7"], ["A", "3"], ["A", "3"]]
    )

    report = import_file(path, store, kind="project", on_duplicate="update", batch_size=1)

    found = {str(p.custom["code"]): p.custom["budget"] for p in store.objects("project").find_all()}
    assert (2, 1, 1) == (report.created, report.updated, report.skipped)
    assert {"A": Decimal(3), "B": Decimal(7)} == found
    assert 3 == undo_import(store, report.import_id)
    assert 0 == store.objects("project").count()


def test_column_overrides_for_object_kinds(tmp_path: Path) -> None:
    """read.mapping may name deal fields for a deal import; contacts and companies refuse them."""
    from crmkit.importers import CleanOptions, ReadOptions  # noqa: PLC0415

    store = MemoryStore()
    store.use_pipelines([PIPELINE])
    path = _write(tmp_path / "x.csv", ["Opp", "Summe", "Colour"], [["Big one", "9 EUR", "red"]])
    options = CleanOptions(read=ReadOptions(mapping={"Opp": "title", "Summe": "amount"}))

    report = import_file(path, store, kind="deal", pipelines=[PIPELINE], options=options)
    with pytest.raises(ConfigError, match=r"mapping\['Summe'\]: unknown field 'amount'") as contact:
        import_file(path, store, options=options)
    with pytest.raises(ConfigError, match="unknown field 'title'") as company:
        import_file(path, store, kind="company", options=options)

    assert [("Opp", "title", "override"), ("Summe", "amount", "override")] == [
        (r.column, r.field, r.how) for r in report.mapping.rules
    ]
    assert Money(Decimal(9), "EUR") == next(iter(store.deals.find_all())).amount
    assert ("config.invalid", "config.invalid") == (contact.value.code, company.value.code)


def test_rejects_file_and_progress_for_deals(tmp_path: Path) -> None:
    """Rejected deal rows go to the rejects file with every cell, row, column, reason, code."""
    store = MemoryStore()
    store.use_pipelines([PIPELINE])
    path = _write(
        tmp_path / "deals.csv",
        ["Title", "Amount", "Stage"],
        [["Fine", "5 EUR", "lead"], ["Nul", "5\x00 EUR", "lead"], ["Odd", "7 EUR", "Nowhere"]],
    )
    seen: list[int] = []

    report = import_file(
        path,
        store,
        kind="deal",
        pipelines=[PIPELINE],
        rejects=tmp_path / "rejects.csv",
        progress=lambda p: seen.append(p.rows_done),
    )

    with (tmp_path / "rejects.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert (1, 2) == (report.created, report.rejected)
    assert [
        ("Nul", "3", "Amount", "validation.nul_character"),
        ("Odd", "4", "Stage", "pipeline.unknown_stage"),
    ] == [(r["Title"], r["row"], r["column"], r["code"]) for r in rows]
    assert "no stage 'Nowhere'" in rows[1]["reason"]
    assert 3 == seen[-1]


def test_cli_custom_objects_load_mode_and_undo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The CLI imports a custom object list with its fields, loads deals, and undoes both."""
    db = f"sqlite:///{tmp_path / 'crm.db'}"
    (tmp_path / "project.json").write_text('{"code": "text", "budget": "number"}', "utf-8")
    (tmp_path / "sales.json").write_text(json.dumps(PIPELINE.to_dict()), encoding="utf-8")
    projects = _write(tmp_path / "p.csv", ["Code", "Budget"], [["P-1", "1,000"], ["P-2", "2"]])
    deals = _write(tmp_path / "d.csv", ["Title", "Stage"], [["Gone", "lost"]])
    sales = ["--pipeline", str(tmp_path / "sales.json")]

    def run(*argv: str) -> dict[str, Any]:
        assert 0 == main([*argv, "--db", db, "--json"])
        parsed: dict[str, Any] = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
        return parsed

    made = run(
        "import",
        str(projects),
        "--kind",
        "project",
        "--object-fields",
        str(tmp_path / "project.json"),
    )
    loaded = run("import", str(deals), "--kind", "deal", *sales, "--pipeline-mode", "load")
    undone = [
        run("undo-import", made["import_id"]),
        run("undo-import", loaded["import_id"], *sales),
    ]
    missing = main(["import", str(deals), "--db", db, "--kind", "deal", "--pipeline", "nope.yaml"])

    assert (2, 1) == (made["created"], loaded["created"])
    assert [2, 1] == [u["records"] for u in undone]
    assert 0 != missing
    assert "--pipeline: cannot read nope.yaml" in capsys.readouterr().err


def test_notes_and_unmodelled_cells_are_kept_as_typed(tmp_path: Path) -> None:
    """A multi-line note, a source id and a currency with no amount stay as they were typed."""
    store = MemoryStore()
    store.use_pipelines([PIPELINE])
    note = "Met at the fair.\nCall back  in May."
    path = _write(
        tmp_path / "d.csv",
        ["Deal ID", "Title", "Currency", "Notes"],
        [["HS-901", "Fair lead", "EUR", note]],
    )

    import_file(path, store, kind="deal", pipelines=[PIPELINE])

    (deal,) = store.deals.find_all()
    assert {"source_id": "HS-901", "currency": "EUR", "notes": note} == deal.custom


_WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzÄöçşیكж0123456789", min_size=1, max_size=12)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(_WORDS, _WORDS, st.text(max_size=40)),
        max_size=10,
        unique_by=lambda row: row[0].casefold(),
    )
)
def test_no_company_cell_is_lost(tmp_path: Path, rows: list[tuple[str, str, str]]) -> None:
    """Every row is stored with its name, industry and notes as typed, or rejected with why."""
    store = MemoryStore()
    path = _write(tmp_path / "c.csv", ["Company", "Industry", "Notes"], [list(r) for r in rows])

    report = import_file(path, store, kind="company", on_duplicate="create")

    stored = {c.name: c for c in store.companies.find_all()}
    # a cell holding a line break makes its row span lines, so rejections are told by the
    # value they name, not by counting rows
    # (the value named is the cell as read: spaces and line breaks around it taken off)
    rejected = {r.value for r in report.rejections}
    for name, industry, notes in rows:
        if rejected & {name, industry, notes, notes.strip()}:
            continue
        company = stored[name]
        assert (industry, notes.strip() or None) == (company.industry, company.custom.get("notes"))
    assert report.accounted
    assert len(rows) == report.created + report.rejected


def test_status_column_closes_deals_as_exports_state_them(tmp_path: Path) -> None:
    """A won or lost status puts the deal in such a stage and keeps the stage it closed from."""
    store = MemoryStore()
    store.use_pipelines([PIPELINE])
    path = _write(
        tmp_path / "pd.csv",
        ["Deal - Title", "Deal - Stage", "Deal - Status", "Deal - Lost reason"],
        [
            ["Signed", "Qualified", "won", ""],
            ["Dropped", "Lead In", "Lost", "Budget cut"],
            ["Running", "Qualified", "open", ""],
            ["Odd", "won", "open", ""],
            ["Strange", "Lead In", "paused", ""],
        ],
    )

    report = import_file(path, store, kind="deal", pipelines=[PIPELINE])

    deals = {d.title: d for d in store.deals.find_all()}
    assert ("won", "Qualified") == (deals["Signed"].stage_id, deals["Signed"].custom["stage"])
    assert ("lost", "Budget cut") == (deals["Dropped"].stage_id, deals["Dropped"].lost_reason)
    assert ("qualified", {}) == (deals["Running"].stage_id, deals["Running"].custom)
    assert ("Deal - Status", ErrorCode.DEAL_STATUS) == Rejection_of(report, 5)[:2]
    assert "status 'open' contradicts stage 'won', a won stage" == Rejection_of(report, 5)[2]
    assert "unknown deal status 'paused' (expected open, won or lost)" == Rejection_of(report, 6)[2]


@pytest.mark.parametrize(
    "header",
    [
        ["Firmenname", "Webseite", "Branche"],
        ["نام شرکت", "وب سایت", "صنعت"],
        ["کمپنی کا نام", "ویب سائٹ", "صنعت"],
        ["اسم الشركة", "الموقع الإلكتروني", "القطاع"],
        ["Nom de l'entreprise", "Site web", "Secteur"],
        ["Nombre de la empresa", "Sitio web", "Industria"],
        ["Şirket adı", "Web sitesi", "Sektör"],
        ["Название компании", "Сайт", "Отрасль"],
        ["कंपनी का नाम", "वेबसाइट", "उद्योग"],
    ],
)
def test_company_headers_in_the_seeds_languages(tmp_path: Path, header: list[str]) -> None:
    """Company headers in every seed language map to name, domain and industry."""
    path = _write(tmp_path / "c.csv", header, [["Pars Co", "https://pars.example/about", "Oil"]])
    store = MemoryStore()

    report = import_file(path, store, kind="company")

    (company,) = store.companies.find_all()
    assert ["name", "domain", "industry"] == [r.field for r in report.mapping.rules]
    assert ("Pars Co", "pars.example", "Oil") == (company.name, company.domain, company.industry)
