"""Activities in the store: the contract on every backend, link checks, history, versions."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

from crmkit._converter import from_stored
from crmkit.activities import Activity, Link
from crmkit.contacts import Company, Contact
from crmkit.errors import ConflictError, ErrorCode, InvalidRecord, NotFound, ValidationError
from crmkit.pipeline import Pipeline
from crmkit.storage import ActivityScope, Store, UpsertResult, _activity_kind
from crmkit.storage._activity_kind import ACTIVITY
from crmkit.testing import activities

T0 = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)
PIPELINE = Pipeline.from_dict(
    {"id": "sales", "stages": [{"id": "new", "probability": 0.1}, {"id": "won", "kind": "won"}]}
)


@pytest.fixture
def crm(store: Store) -> Store:
    """A store of each backend with a contact C1, a company K1 and a deal D1."""
    store.use_pipelines([PIPELINE])
    store.contacts.add(Contact(id="C1", first_name="Ann", last_name="Lee"))
    store.companies.add(Company(id="K1", name="Acme"))
    store.deals.add(PIPELINE.new_deal(id="D1", title="Acme renewal", company_id="K1", at=T0))
    return store


_STORED = {"contact": "C1", "company": "K1", "deal": "D1"}


def _storable(activity: Activity) -> Activity:
    """The activity with its links pointing at the stored records, and no NUL in its text.

    Every store refuses NUL (``validation.nul_character``), which the strategy may draw.
    """
    links = [Link(kind=k.kind, id=_STORED.get(k.kind, k.id)) for k in activity.links]
    custom = {k: _without_nul(v) for k, v in activity.custom.items()}
    return attrs.evolve(activity, links=links, body=_without_nul(activity.body), custom=custom)


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, tuple):
        return tuple(_without_nul(v) for v in value)
    return value


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(activity=activities())
def test_round_trip(crm: Store, activity: Activity) -> None:
    """Any activity stored and read back is equal to the one stored."""
    activity = _storable(activity)

    stored = crm.activities.add(activity)

    assert activity == stored
    assert activity == crm.activities.get(activity.id)


def test_write_paths_keep_history_and_versions(crm: Store) -> None:
    """Add, update, delete and restore move the version and leave a history entry each."""
    call = crm.activities.add(
        Activity(kind="call", subject="Intro", links=[Link(kind="contact", id="C1")], due_at=T0),
        actor="ana",
    )
    done = crm.activities.update(attrs.evolve(call, done_at=T0, outcome="reached"), actor="ana")
    crm.activities.delete(call.id, actor="bo")
    with pytest.raises(NotFound):
        crm.activities.get(call.id)
    restored = crm.activities.restore(call.id, actor="bo")

    entries = crm.history(call.id)
    assert (2, 4) == (done.version, restored.version)
    assert ["add", "update", "delete", "restore"] == [e.action for e in entries]
    assert {"activity"} == {e.kind for e in entries}
    assert {
        "done_at": (None, T0.isoformat()),
        "outcome": (None, "reached"),
    } == entries[1].changes
    assert restored.done_at == T0


def test_a_done_activity_is_kept(crm: Store) -> None:
    """Done activities stay in the store: readable, countable and filterable."""
    task = crm.activities.add(Activity(subject="Send quote", owner_id="ana", due_at=T0))
    crm.activities.update(attrs.evolve(task, done_at=T0 + timedelta(hours=1)))

    assert 1 == crm.activities.count("NOT(ISBLANK(done_at))")
    assert crm.activities.get(task.id).is_done


def test_stale_update_is_refused(crm: Store) -> None:
    """An update from a copy read before another update raises ConflictError."""
    task = crm.activities.add(Activity(subject="Call back"))
    crm.activities.update(attrs.evolve(task, subject="Call back Ann"))

    with pytest.raises(ConflictError) as caught:
        crm.activities.update(attrs.evolve(task, subject="Call back Bo"))

    assert ErrorCode.STALE_VERSION == caught.value.code
    assert "Call back Ann" == crm.activities.get(task.id).subject


def test_bulk_upsert_creates_updates_and_checks_versions(crm: Store) -> None:
    """A bulk upsert creates and updates in one go; a stale copy refuses the whole batch."""
    first = [
        Activity(subject=f"task {i}", links=[Link(kind="deal", id="D1")], due_at=T0)
        for i in range(5)
    ]

    created = crm.activities.bulk_upsert(first, actor="import")
    updated = crm.activities.bulk_upsert(
        [attrs.evolve(first[0], subject="task zero"), Activity(subject="new")]
    )
    with pytest.raises(ConflictError):
        crm.activities.bulk_upsert([attrs.evolve(first[0], subject="stale"), Activity()])

    assert UpsertResult(created=5) == created
    assert UpsertResult(created=1, updated=1) == updated
    assert 6 == crm.activities.count()
    assert "task zero" == crm.activities.get(first[0].id).subject
    assert ["add", "update"] == [e.action for e in crm.history(first[0].id)]


def test_filters_and_sorting(crm: Store) -> None:
    """Activities filter on their fields and sort by their sort instant."""
    early = crm.activities.add(Activity(kind="call", owner_id="ana", due_at=T0))
    late = crm.activities.add(
        Activity(kind="meeting", owner_id="ana", due_date=date(2030, 3, 5), zone="Europe/Berlin")
    )

    assert [early.id] == [a.id for a in crm.activities.find('kind = "call"')]
    assert [late.id] == [a.id for a in crm.activities.find("due_date = DATE(2030, 3, 5)")]
    assert [early.id, late.id] == [a.id for a in crm.activities.find(order_by="created_at")]
    assert [late.id] == [a.id for a in crm.activities.find("ISBLANK(due_at)")]
    assert 2 == crm.activities.count("NOT(ISBLANK(due_instant))")


def test_a_link_to_a_missing_record_stores_nothing(crm: Store) -> None:
    """A link to a contact the store lacks is refused, naming the link's path and code."""
    activity = Activity(
        subject="Call", links=[Link(kind="company", id="K1"), Link(kind="contact", id="C9")]
    )

    with pytest.raises(ValidationError) as caught:
        crm.activities.add(activity)

    assert ErrorCode.MISSING_LINK == caught.value.code
    assert "links[1].id" == caught.value.field
    assert "C9" == caught.value.value
    assert 0 == crm.activities.count()
    assert [] == crm.history(activity.id)


def test_a_batch_with_missing_links_stores_nothing(crm: Store) -> None:
    """Every missing link of a batch is reported, each by its path, and nothing is stored."""
    batch = [
        Activity(links=[Link(kind="deal", id="D9")]),
        Activity(links=[Link(kind="contact", id="C1")]),
        Activity(links=[Link(kind="contact", id="C1"), Link(kind="company", id="K9")]),
    ]

    with pytest.raises(InvalidRecord) as caught:
        crm.activities.bulk_upsert(batch)

    assert ["[0].links[0].id", "[2].links[1].id"] == [e.field for e in caught.value.errors]
    assert {ErrorCode.MISSING_LINK} == {e.code for e in caught.value.errors}
    assert 0 == crm.activities.count()


def test_links_to_deleted_records_and_other_kinds(crm: Store) -> None:
    """A deleted contact cannot be linked anew, but a kept link survives updates.

    Links to kinds other than contacts, companies and deals are not checked.
    """
    kept = crm.activities.add(Activity(links=[Link(kind="contact", id="C1")]))
    crm.contacts.delete("C1")

    updated = crm.activities.update(attrs.evolve(kept, subject="still here"))
    with pytest.raises(ValidationError) as caught:
        crm.activities.add(Activity(links=[Link(kind="contact", id="C1")]))
    ticket = crm.activities.add(Activity(links=[Link(kind="ticket", id="T1")]))

    assert "still here" == updated.subject
    assert ErrorCode.MISSING_LINK == caught.value.code
    assert (Link(kind="ticket", id="T1"),) == crm.activities.get(ticket.id).links


def test_an_activity_of_another_type_is_refused(crm: Store) -> None:
    """A contact given to the activity repository raises ValidationError."""
    with pytest.raises(ValidationError, match="expected a Activity"):
        crm.activities.add(Contact(first_name="Ann"))  # type: ignore[arg-type]


@given(activity=activities())
def test_the_quick_reader_gives_what_the_converter_gives(activity: Activity) -> None:
    """Stored data read back by the activity kind is the activity the converter gives."""
    doc = json.loads(json.dumps(ACTIVITY.to_doc(activity)))

    assert from_stored(doc, Activity) == ACTIVITY.from_doc(doc) == activity


def test_the_quick_reader_reads_plain_activities_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    """A plain activity is read without the converter; odd data still gets its error."""
    plain = Activity(kind="call", links=[Link(kind="contact", id="C1")], due_at=T0)
    doc = json.loads(json.dumps(ACTIVITY.to_doc(plain)))
    bad = {**doc, "due_at": "not a time"}

    with pytest.raises(ValidationError):
        ACTIVITY.from_doc(bad)
    monkeypatch.setattr(_activity_kind, "from_stored", None)

    assert plain == ACTIVITY.from_doc(doc)


def test_histories_read_several_records_at_once(crm: Store) -> None:
    """``histories`` gives each record's changes, oldest first, as ``history`` does one's."""
    task = crm.activities.add(Activity(subject="a"))
    crm.activities.update(attrs.evolve(task, subject="b"))

    found = crm.histories([task.id, "K1", "nobody", task.id])

    assert [task.id, "K1", "nobody"] == list(found)
    assert crm.history(task.id) == found[task.id]
    assert ["add"] == [e.action for e in found["K1"]]
    assert [] == found["nobody"]
    with pytest.raises(ValidationError):
        crm.histories("K1")


def test_a_scope_narrows_every_read_and_scopes_add_up(crm: Store) -> None:
    """A scoped view reads only its scope's activities; a view of a view, both scopes'."""
    on_c1 = Link(kind="contact", id="C1")
    for i, owner in enumerate(["ana", "ben", "ana", "cy"]):
        links = (on_c1,) if i != 3 else (Link(kind="deal", id="D1"),)
        due = T0 + timedelta(hours=i)
        crm.activities.add(
            Activity(id=f"A{i}", kind="task", owner_id=owner, links=links, due_at=due)
        )
    by_owner = crm.activities.scoped(ActivityScope(owners={"ana", "cy"}))
    by_link = ActivityScope(linked={"contact": "first_name = 'Ann'"})

    assert ["A0", "A2", "A3"] == [a.id for a in by_owner.find()]
    assert ["A0", "A1", "A2"] == [a.id for a in crm.activities.scoped(by_link).find()]
    assert 2 == by_owner.scoped(by_link).count()
    assert ["A2", "A0"] == [a.id for a in by_owner.scoped(by_link).for_records([on_c1])]
    assert ["A0", "A2"] == [a.id for a in by_owner.scoped(by_link).open_for_owner(["ana", "ben"])]
    assert {} == by_owner.get_many(["A1"])
    assert crm.activities.scoped(ActivityScope(own=True)) is crm.activities
