"""The two hot reads of activities on every backend: records' timelines and owners' open work."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmkit.activities import Activity, Link, due_instant
from crmkit.contacts import Company, Contact
from crmkit.errors import ValidationError
from crmkit.storage import MemoryStore, SqlStore, Store
from crmkit.storage._activity_kind import sort_instant

T0 = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)
ANN = Link(kind="contact", id="C1")
BO = Link(kind="contact", id="C2")
ACME = Link(kind="company", id="K1")


@pytest.fixture
def crm(store: Store) -> Store:
    """A store of each backend with contacts C1 and C2 and a company K1."""
    store.contacts.bulk_upsert(
        [Contact(id="C1", first_name="Ann"), Contact(id="C2", first_name="Bo")]
    )
    store.companies.add(Company(id="K1", name="Acme"))
    return store


def _subjects(activities: object) -> list[str]:
    return [a.subject for a in activities]  # type: ignore[attr-defined]


def test_the_sort_instant_is_done_then_start_then_due_then_created() -> None:
    """Done comes first, then the start, then the due (a date at its day's start), then created."""
    zone = "Asia/Kathmandu"  # +05:45
    done = Activity(start_at=T0, due_at=T0, done_at=T0 + timedelta(days=3))
    meeting = Activity(start_at=T0, due_at=T0 + timedelta(days=1))
    all_day = Activity(start_date=date(2030, 3, 4), zone=zone)
    due_on = Activity(due_date=date(2030, 3, 4), zone=zone)
    note = Activity(created_at=T0)

    assert T0 + timedelta(days=3) == sort_instant(done)
    assert T0 == sort_instant(meeting)
    assert datetime(2030, 3, 3, 18, 15, tzinfo=UTC) == sort_instant(all_day)
    assert datetime(2030, 3, 3, 18, 15, tzinfo=UTC) == sort_instant(due_on)
    assert T0 == sort_instant(note)
    assert T0 + timedelta(days=1) == due_instant(meeting)
    assert None is due_instant(note)


def test_a_timeline_is_newest_first_and_pages_without_gaps(crm: Store) -> None:
    """Activities of several records come newest first, each once, page after page."""
    made = [
        Activity(subject=f"a{i}", links=[ANN] if i % 3 else [ANN, ACME], due_at=T0 + timedelta(i))
        for i in range(12)
    ]
    made.append(Activity(subject="bo's", links=[BO], due_at=T0 + timedelta(days=30)))
    crm.activities.bulk_upsert(made)

    pages = []
    before = None
    while True:
        page = crm.activities.for_records([ANN, ACME], limit=5, before=before)
        pages.append(_subjects(page))
        before = page.next_after
        if before is None:
            break

    assert [
        ["a11", "a10", "a9", "a8", "a7"],
        ["a6", "a5", "a4", "a3", "a2"],
        ["a1", "a0"],
    ] == pages
    assert ["a9", "a6", "a3", "a0"] == _subjects(crm.activities.for_records([ACME]))


def test_ties_are_broken_by_id(crm: Store) -> None:
    """Activities at the same instant come by id, descending, and page across the tie."""
    same = [Activity(id=f"A{i}", subject=f"s{i}", links=[ANN], due_at=T0) for i in range(5)]
    crm.activities.bulk_upsert(same)

    first = crm.activities.for_records([ANN], limit=2)
    second = crm.activities.for_records([ANN], limit=10, before=first.next_after)

    assert ["s4", "s3"] == _subjects(first)
    assert ["s2", "s1", "s0"] == _subjects(second)
    assert second.next_after is None


def test_a_timeline_follows_writes(crm: Store) -> None:
    """Done, moved, relinked and deleted activities are where their new state puts them."""
    a, b, c = (
        crm.activities.add(Activity(subject=s, links=[ANN], due_at=T0 + timedelta(days=d)))
        for s, d in (("a", 1), ("b", 2), ("c", 3))
    )
    crm.activities.update(attrs.evolve(a, done_at=T0 + timedelta(days=9)))
    crm.activities.update(attrs.evolve(b, links=[BO]))
    crm.activities.delete(c.id)

    assert ["a"] == _subjects(crm.activities.for_records([ANN]))
    assert ["b"] == _subjects(crm.activities.for_records([BO]))
    crm.activities.restore(c.id)
    assert ["a", "c"] == _subjects(crm.activities.for_records([ANN]))


def test_a_timeline_of_many_records(crm: Store) -> None:
    """Hundreds of records at once (more than one query takes) give the same newest first."""
    contacts = [Contact(id=f"M{i:03}", first_name="M") for i in range(250)]
    crm.contacts.bulk_upsert(contacts)
    links = [Link(kind="contact", id=c.id) for c in contacts]
    made = [
        Activity(
            subject=f"m{i:03}",
            links=[links[i], links[(i * 7) % 250]],
            due_at=T0 + timedelta(hours=i),
        )
        for i in range(250)
    ]
    crm.activities.bulk_upsert(made)

    first = crm.activities.for_records(links, limit=30)
    rest = crm.activities.for_records(links, limit=300, before=first.next_after)

    assert [f"m{i:03}" for i in range(249, 219, -1)] == _subjects(first)
    assert [f"m{i:03}" for i in range(219, -1, -1)] == _subjects(rest)


def test_open_work_is_ordered_by_due(crm: Store) -> None:
    """Open activities of an owner come soonest due first, dated ones before undated."""
    berlin = "Europe/Berlin"
    crm.activities.bulk_upsert(
        [
            Activity(subject="later", owner_id="ana", due_at=T0 + timedelta(days=2)),
            Activity(subject="first", owner_id="ana", due_date=date(2030, 2, 1), zone=berlin),
            Activity(subject="meeting", owner_id="ana", start_at=T0 + timedelta(hours=1)),
            Activity(subject="undated", owner_id="ana"),
            Activity(subject="done", owner_id="ana", due_at=T0, done_at=T0),
            Activity(subject="bo's", owner_id="bo", due_at=T0),
            Activity(subject="nobody's", due_at=T0),
        ]
    )

    assert ["first", "meeting", "later", "undated"] == _subjects(
        crm.activities.open_for_owner("ana")
    )
    assert ["first", "meeting"] == _subjects(
        crm.activities.open_for_owner("ana", until=T0 + timedelta(days=1))
    )
    assert ["first", "bo's", "meeting"] == _subjects(
        crm.activities.open_for_owner(["ana", "bo"], limit=3)
    )
    assert [] == crm.activities.open_for_owner([])


def test_open_work_until_includes_the_instant(crm: Store) -> None:
    """An activity due exactly at *until* is included; a date counts from its day's start."""
    crm.activities.bulk_upsert(
        [
            Activity(subject="at", owner_id="ana", due_at=T0),
            Activity(subject="day", owner_id="ana", due_date=date(2030, 3, 1), zone="UTC"),
        ]
    )

    assert ["day", "at"] == _subjects(crm.activities.open_for_owner("ana", until=T0))
    assert ["day"] == _subjects(
        crm.activities.open_for_owner("ana", until=datetime(2030, 3, 1, tzinfo=UTC))
    )


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda r: r.for_records([ANN], limit=0), "limit"),
        (lambda r: r.for_records([ANN], before="not a cursor"), "before"),
        (lambda r: r.for_records(ANN), "links"),
        (lambda r: r.for_records(["C1"]), "links"),
        (lambda r: r.open_for_owner("ana", until=datetime(2030, 1, 1)), "until"),
        (lambda r: r.open_for_owner("ana", limit=-1), "limit"),
        (lambda r: r.open_for_owner([1]), "owner_ids"),
    ],
    ids=["limit", "cursor", "one-link", "not-links", "naive-until", "bad-limit", "owner-type"],
)
def test_bad_arguments_name_their_field(crm: Store, call: object, field: str) -> None:
    """Each bad argument of the two queries raises ValidationError naming it."""
    with pytest.raises(ValidationError) as caught:
        call(crm.activities)  # type: ignore[operator]

    assert field == caught.value.field


_instants = st.integers(0, 6).map(lambda h: T0 + timedelta(hours=h))


@st.composite
def _activity(draw: st.DrawFn) -> Activity:
    links = draw(st.lists(st.sampled_from([ANN, BO, ACME]), min_size=1, max_size=3))
    return Activity(
        id=draw(st.from_regex(r"[A-C][0-9]{1,2}", fullmatch=True)),
        links=links,
        owner_id=draw(st.sampled_from(["ana", "bo", None])),
        due_at=draw(st.one_of(st.none(), _instants)),
        start_at=draw(st.one_of(st.none(), _instants)),
        done_at=draw(st.one_of(st.none(), _instants)),
        created_at=T0,
    )


@settings(max_examples=40)
@given(
    made=st.lists(_activity(), max_size=15, unique_by=lambda a: a.id),
    records=st.lists(st.sampled_from([ANN, BO, ACME]), min_size=1, max_size=3),
    limit=st.integers(1, 4),
)
def test_sqlite_pages_as_memory_does(made: list[Activity], records: list[Link], limit: int) -> None:
    """For generated activities with many ties, SQLite pages exactly as memory does."""
    stores: list[Store] = [MemoryStore(), SqlStore("sqlite://")]
    walks = []
    for store in stores:
        store.contacts.bulk_upsert(
            [Contact(id="C1", first_name="A"), Contact(id="C2", first_name="B")]
        )
        store.companies.add(Company(id="K1", name="Acme"))
        store.activities.bulk_upsert(made)
        walk, before = [], None
        while True:
            page = store.activities.for_records(records, limit=limit, before=before)
            walk.append([a.id for a in page])
            before = page.next_after
            if before is None:
                break
        walks.append((walk, [a.id for a in store.activities.open_for_owner(["ana", "bo"])]))
        store.close()

    assert walks[0] == walks[1]


def test_a_position_starts_a_page_like_a_cursor(crm: Store) -> None:
    """``before=(sort instant, id)`` starts right after that position, as a cursor does."""
    made = [Activity(id=f"A{i}", links=[ANN], due_at=T0 + timedelta(hours=i)) for i in range(4)]
    crm.activities.bulk_upsert(made)
    first = crm.activities.for_records([ANN], limit=2)

    by_cursor = crm.activities.for_records([ANN], before=first.next_after)
    by_position = crm.activities.for_records([ANN], before=(T0 + timedelta(hours=2), "A2"))
    at_instant = crm.activities.for_records([ANN], before=(T0 + timedelta(hours=2), ""))

    assert ["A1", "A0"] == [a.id for a in by_cursor]
    assert list(by_cursor) == list(by_position) == list(at_instant)
    for bad in ((datetime(2030, 1, 1), "A1"), (T0,), (T0, 1)):
        with pytest.raises(ValidationError) as caught:
            crm.activities.for_records([ANN], before=bad)  # type: ignore[arg-type]
        assert "before" == caught.value.field
