"""Finding duplicates: rules, comparators, blocking, clustering, explanations."""

from __future__ import annotations

import gc
import json
from array import array
from datetime import date

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmkit.contacts import Company, Contact
from crmkit.dedupe import (
    BlockingKey,
    Comparator,
    MatchField,
    MatchRules,
    Thresholds,
    find_duplicates,
    match_against,
)
from crmkit.dedupe._batch import score_pairs
from crmkit.dedupe._blocking import candidate_pairs
from crmkit.dedupe._cluster import cluster
from crmkit.dedupe._compare import comparer, nickname_of
from crmkit.dedupe._find import prepare
from crmkit.dedupe._gc import gc_paused
from crmkit.dedupe._nicknames import canonical_first_names
from crmkit.dedupe._scoring import plan, score_pair
from crmkit.errors import ConfigError, ValidationError
from crmkit.storage import MemoryStore
from crmkit.values import Address


def _person(first: str, last: str, **fields: object) -> Contact:
    return Contact(first_name=first, last_name=last, **fields)  # type: ignore[arg-type]


def test_default_rules_round_trip_through_json() -> None:
    """The default rules survive to_dict, JSON and from_dict unchanged."""
    for rules in (MatchRules.for_contacts(), MatchRules.for_companies()):
        raw = json.loads(json.dumps(rules.to_dict()))

        assert rules == MatchRules.from_dict(raw)


def test_bad_config_names_its_path() -> None:
    """A bad comparator deep in the rules is reported with its path."""
    raw = MatchRules.for_contacts().to_dict()
    raw["fields"][2]["comparator"] = "fuzzy"

    with pytest.raises(ConfigError, match=r"fields\[2\]\.comparator") as info:
        MatchRules.from_dict(raw)

    assert "fields[2].comparator" == info.value.path


def test_bad_weights_and_thresholds_are_refused() -> None:
    """Negative agreement, m below u, and possible above match are configuration errors."""
    with pytest.raises(ConfigError, match="agreement points must not be negative"):
        MatchField(field="email", agree=-1)
    with pytest.raises(ConfigError, match=r"m \(0.1\) must be above u"):
        MatchField(field="email", m=0.1, u=0.2)
    with pytest.raises(ConfigError, match="must not be above match"):
        Thresholds(match=0.6, possible=0.8)
    with pytest.raises(ConfigError, match=r"blocking\[0\]\.max_block"):
        MatchRules.from_dict(
            {
                "fields": [{"field": "email"}],
                "blocking": [{"name": "e", "fields": ["email"], "max_block": 1}],
            }
        )


def test_bad_condition_is_a_config_error() -> None:
    """A condition that does not compile names the rule it belongs to."""
    raw = {
        "fields": [{"field": "email", "condition": "NOT(ISBLANK(no_such_field))"}],
        "blocking": [{"name": "e", "fields": ["email"]}],
    }

    with pytest.raises(ConfigError, match=r"fields\[0\]\.condition"):
        MatchRules.from_dict(raw)


def test_m_u_probabilities_give_log_odds_points() -> None:
    """m=0.9, u=0.01 gives log2(90) points for agreement and log2(0.1/0.99) against."""
    rule = MatchField(field="email", m=0.9, u=0.01)

    assert abs(rule.agree_points - 6.4919) < 1e-3
    assert abs(rule.disagree_points - (-3.3074)) < 1e-3


def test_nicknames_and_transliterations() -> None:
    """Bob stands for Robert, Liz for Elizabeth, Muhammad for Mohammad; Bob is not Bill."""
    assert nickname_of("bob", "robert")
    assert nickname_of("liz", "elizabeth")
    assert nickname_of("muhammad", "mohammed")
    assert not nickname_of("bob", "bill")
    assert "william" in canonical_first_names("Bill")


def test_comparators() -> None:
    """Each comparator gives the similarity its description promises."""
    date_rule = comparer(MatchField(field="birth_date", comparator=Comparator.DATE))
    number_rule = comparer(MatchField(field="n", comparator=Comparator.NUMBER, tolerance=5))
    phonetic = comparer(MatchField(field="last_name", comparator=Comparator.PHONETIC))
    tokens = comparer(MatchField(field="x", comparator=Comparator.TOKEN_SET))
    emails = comparer(MatchField(field="email", comparator=Comparator.EMAIL))

    assert 0.8 == date_rule(date(1980, 3, 4), date(1980, 4, 3))
    assert 0.0 == date_rule(date(1980, 3, 4), date(1981, 7, 9))
    assert 1.0 == number_rule(100, 104)
    assert 0.0 == number_rule(100, 111)
    assert 1.0 == phonetic("smith", "smyth")
    assert 1.0 == tokens("acme trading", "trading acme")
    assert 1.0 == emails(("a@x.com", "b@x.com"), ("b@x.com",))


def test_finds_nickname_and_email_case_duplicates() -> None:
    """Bob Smith and Robert Smith with one e-mail in two cases are one match group."""
    a = _person("Bob", "Smith", emails=["bob@example.com"])
    b = _person("Robert", "Smith", emails=["BOB@example.com"])
    c = _person("Ann", "Lee", emails=["ann@example.com"])

    groups = find_duplicates([a, b, c])

    assert [sorted([a.id, b.id])] == [list(g.ids) for g in groups.matches]
    assert "match" == groups[0].kind


def test_swapped_names_and_arabic_letter_variants() -> None:
    """Swapped first/last names and ي/ی variants still match on a shared phone."""
    a = _person("علی", "رضایی", phones=["+989123456789"])
    b = _person("رضائي", "علي", phones=["+98 912 345 6789"])

    groups = find_duplicates([a, b])

    assert 1 == len(groups.matches)
    assert groups[0].explain().pairs[0].swapped_names


def test_groups_and_ids_are_deterministic() -> None:
    """The same input in another order gives the same groups with the same ids."""
    people = [
        _person("Bob", "Smith", id="c1", emails=["bob@example.com"]),
        _person("Robert", "Smith", id="c2", emails=["bob@example.com"]),
        _person("Ann", "Lee", id="c3", phones=["+12125550100"]),
        _person("Anne", "Lee", id="c4", phones=["+12125550100"]),
    ]

    first = find_duplicates(people)
    second = find_duplicates(list(reversed(people)))

    assert [g.id for g in first] == [g.id for g in second]
    assert [("c1", "c2"), ("c3", "c4")] == [g.ids for g in first.matches]


def test_explanation_lists_every_field_in_words() -> None:
    """explain() gives each field's values, comparison and points, summing to the score."""
    a = _person("Bob", "Smith", emails=["bob@example.com"], birth_date=date(1980, 3, 4))
    b = _person("Robert", "Smith", emails=["bob@example.com"], birth_date=date(1980, 4, 3))

    pair = find_duplicates([a, b])[0].explain().pairs[0]
    fields = {f.field: f for f in pair.fields}
    rules = MatchRules.for_contacts()

    assert "nicknames of the same name" == fields["first_name"].note
    assert "day and month swapped" in fields["birth_date"].note
    assert abs(pair.points - (rules.prior + sum(f.points for f in pair.fields))) < 1e-9
    assert {r.field for r in rules.fields} == set(fields)
    assert "e-mail address: bob@example.com / bob@example.com: the same" in str(pair)


def test_chain_of_weak_links_is_split() -> None:
    """a~b and b~c as weak matches, a and c unrelated: the group keeps b with one of them."""
    ids = ["a", "b", "c"]

    found = cluster(
        *_edges([(0, 1, 4.0), (1, 2, 3.9)]),
        ids,
        lambda i, j: -20.0,
        match=3.17,
        possible=0.0,
        strong=6.6,
        max_group=50,
    )
    groups = [c.rows for c in found if c.kind == "match"]

    assert [(0, 1)] == groups


def test_chain_of_strong_links_stays_together() -> None:
    """A record matching the core strongly stays even if unlinked to the rest."""
    found = cluster(
        *_edges([(0, 1, 20.0), (1, 2, 20.0)]),
        ["a", "b", "c"],
        lambda i, j: -20.0,
        match=3.17,
        possible=0.0,
        strong=6.6,
        max_group=50,
    )

    assert [(0, 1, 2)] == [c.rows for c in found if c.kind == "match"]


def _edges(
    edges: list[tuple[int, int, float]],
) -> tuple[array[int], array[int], array[float]]:
    return (
        array("q", [e[0] for e in edges]),
        array("q", [e[1] for e in edges]),
        array("d", [e[2] for e in edges]),
    )


@given(st.integers(min_value=2, max_value=30))
def test_star_groups_never_exceed_max_group(size: int) -> None:
    """However many records share a strong link to one core, a group stays within max_group."""
    edges = [(0, k, 20.0) for k in range(1, size)]

    found = cluster(
        *_edges(edges),
        [f"r{k:02d}" for k in range(size)],
        lambda i, j: -20.0,
        match=3.17,
        possible=0.0,
        strong=6.6,
        max_group=5,
    )

    assert all(len(c.rows) <= 5 for c in found if c.kind == "match")


def test_large_blocks_are_skipped_and_reported() -> None:
    """A key value shared by more records than max_block is skipped and named in the report."""
    rules = MatchRules(
        fields=(MatchField(field="city", agree=20.0),),
        blocking=(BlockingKey(name="city", fields=("city",), max_block=3),),
        prior=-1.0,
    )
    people = [_person(f"P{k}", "X", addresses=[Address(city="Paris")]) for k in range(5)]

    groups = find_duplicates(people, rules)

    assert [] == list(groups)
    assert (("city", "paris", 5),) == groups.blocking.skipped


def test_condition_limits_a_rule() -> None:
    """A rule with a false condition adds nothing."""
    rules = MatchRules(
        fields=(
            MatchField(field="email", comparator=Comparator.EMAIL, agree=20.0),
            MatchField(field="segment", agree=5.0, disagree=-30.0, condition='segment = "b2b"'),
        ),
        blocking=(BlockingKey(name="email", fields=("email",)),),
        prior=-5.0,
        custom_fields={"segment": "text"},
    )
    a = _person("A", "B", emails=["a@x.com"], custom={"segment": "b2c"})
    b = _person("A", "B", emails=["a@x.com"], custom={"segment": "b2b"})

    pair = find_duplicates([a, b], rules)[0].explain().pairs[0]

    assert 0.0 == pair.fields[1].points
    assert "match" == pair.kind


def test_companies_match_on_domain() -> None:
    """Two companies with one web domain are duplicates by the default company rules."""
    a = Company(name="Acme", domain="acme.com")
    b = Company(name="ACME Inc.", domain="https://www.acme.com/about")

    groups = find_duplicates([a, b])

    assert 1 == len(groups.matches)


def test_bad_records_are_refused() -> None:
    """Mixing contacts and companies, or passing other objects, is a validation error."""
    with pytest.raises(ValidationError, match="cannot mix kinds"):
        find_duplicates([_person("A", "B"), Company(name="Acme")])
    with pytest.raises(ValidationError, match="expected a Contact or a Company"):
        find_duplicates(["not a record"])  # type: ignore[list-item]
    with pytest.raises(ConfigError, match="the rules are for companies, the records are contacts"):
        find_duplicates([_person("A", "B")], MatchRules.for_companies())
    with pytest.raises(ValidationError, match="two records have this id"):
        find_duplicates([_person("A", "B", id="x"), _person("C", "D", id="x")])


def test_swapped_names_count_only_as_rare_as_in_both_fields() -> None:
    """A name shared crosswise gets no more rarity points than either name field gives it."""
    people = [_person("Jeffrey", f"Surname{k}") for k in range(30)]
    people += [_person("Jeffrey", "Fordman"), _person("Fordman", "Jeffrey")]
    rules = MatchRules.for_contacts()
    steps = plan(rules, prepare(people, rules))
    by_field = {s.rule.field: s for s in steps.rules}
    first, last = by_field["first_name"], by_field["last_name"]

    assert first.tf is not None
    assert last.tf is not None
    assert last.swap_tf is not None
    for value, points in last.swap_tf.items():
        assert points <= last.tf[value]
        assert points <= first.tf.get(value, 0.0)


def test_gc_paused_restores_the_collector_state() -> None:
    """The collector is off inside the block and back as it was after, even on an error."""
    was = gc.isenabled()
    inside: list[bool] = []

    def fail() -> None:
        with gc_paused():
            inside.append(gc.isenabled())
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        fail()

    assert [False] == inside
    assert was == gc.isenabled()


def test_default_groups_stay_within_twenty_records() -> None:
    """The default rules cap a group at 20 records."""
    rules = MatchRules.for_contacts()

    assert rules.max_group is not None
    assert rules.max_group <= 20


def _people_named(first: str, last: str, count: int, city: str) -> list[Contact]:
    return [
        _person(first, last, id=f"{last}{k:03d}", addresses=[Address(city=city)])
        for k in range(count)
    ]


def test_full_name_counts_take_either_order() -> None:
    """Records share a full-name count whether the names are entered straight or swapped."""
    people = [_person("Ann", "Lee"), _person("Lee", "Ann"), _person("Ann", "Smith")]
    people.append(_person("Bob", ""))
    table = prepare(people, MatchRules.for_contacts())

    assert [2, 2, 1, 0] == table.name_counts


def test_common_full_name_and_city_alone_is_not_a_match() -> None:
    """Forty records sharing a full name and a city, and nothing else, are never matches."""
    people = _people_named("John", "Smith", 40, "Boston")

    groups = find_duplicates(people)

    assert [] == groups.matches


def test_rare_full_name_and_city_is_a_match() -> None:
    """Two records alone in sharing a full name, in one city, are a match."""
    people = _people_named("Kelwood", "Jorbyfield", 2, "Boston")
    people += [_person(f"P{k}", f"Q{k}", addresses=[Address(city="Boston")]) for k in range(30)]

    groups = find_duplicates(people)

    assert [("Jorbyfield000", "Jorbyfield001")] == [g.ids for g in groups.matches]


def test_explain_gives_the_points_the_run_scored_with() -> None:
    """A group's explanation judges rarity among all records searched: it adds up to the score."""
    crowd = _people_named("John", "Smith", 30, "Boston")
    a = _person("John", "Smith", id="a", emails=["js@example.com"])
    b = _person("John", "Smith", id="b", emails=["JS@example.com"])

    (group,) = find_duplicates([*crowd, a, b]).matches
    pair = group.explain().pairs[0]
    full = {f.field: f for f in pair.fields}["name"]

    assert ("a", "b") == group.ids
    assert abs(group.score - pair.score) < 1e-12
    assert abs(pair.points - (pair.prior + sum(f.points for f in pair.fields))) < 1e-9
    assert "32 records carry it" in full.note
    assert full.points < 0


@given(
    st.lists(
        st.tuples(st.sampled_from(["Ann", "Bob", "Cy"]), st.sampled_from(["", "Oslo", "Rome"])),
        max_size=25,
    )
)
def test_candidate_pairs_are_the_pairs_sharing_a_key_value(rows: list[tuple[str, str]]) -> None:
    """Blocking proposes exactly the pairs that share a key value in a block not too large."""
    rules = MatchRules(
        fields=(MatchField(field="city"),),
        blocking=(
            BlockingKey(name="city", fields=("city",), max_block=4),
            BlockingKey(name="name+city", fields=("first_name", "city")),
        ),
    )
    people = [
        _person(first, "X", addresses=[Address(city=city)] if city else []) for first, city in rows
    ]
    expected = set()
    for key in (lambda p: (p[1],), lambda p: p):
        blocks: dict[tuple[str, ...], list[int]] = {}
        for row, values in enumerate(rows):
            if values[1]:
                blocks.setdefault(key(values), []).append(row)
        for members in blocks.values():
            if len(members) <= (4 if len(key(("a", "b"))) == 1 else 50):
                expected |= {(a, b) for a in members for b in members if a < b}
    n = len(people)

    codes, report = candidate_pairs(prepare(people, rules), rules)

    assert expected == {divmod(code, n) for code in codes}
    assert len(expected) == report.candidate_pairs


def test_records_with_several_emails_block_on_each() -> None:
    """A record with two e-mails is a candidate with a record sharing either of them."""
    people = [
        _person("A", "B", emails=["one@x.com", "two@x.com"]),
        _person("C", "D", emails=["two@x.com"]),
        _person("E", "F", emails=["one@x.com", "ONE@x.com"]),
    ]
    rules = MatchRules.for_contacts()

    codes, _ = candidate_pairs(prepare(people, rules), rules)

    assert {(0, 1), (0, 2)} == {divmod(code, 3) for code in codes}


_NAMES = ["Ann", "Anne", "Bob", "Robert", "Lee", "Smith", "Smyth", ""]


@settings(max_examples=40)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(_NAMES),
            st.sampled_from(_NAMES),
            st.sampled_from(["", "a@x.com", "b@x.com"]),
            st.sampled_from(["", "Oslo", "Rome"]),
            st.sampled_from([None, date(1980, 3, 4), date(1980, 4, 3)]),
        ),
        min_size=2,
        max_size=14,
    )
)
def test_batch_scores_equal_pair_scores(rows: list[tuple[str, str, str, str, date | None]]) -> None:
    """Scoring all pairs at once gives each pair the points scoring it alone gives."""
    people = [
        _person(
            first or "x",
            last,
            emails=[email] if email else [],
            addresses=[Address(city=city)] if city else [],
            birth_date=born,
        )
        for first, last, email, city, born in rows
    ]
    rules = MatchRules.for_contacts()
    steps = plan(rules, prepare(people, rules))
    n = len(people)
    codes = [i * n + j for i in range(n) for j in range(i + 1, n)]

    left, right, points = score_pairs(steps, codes, n)
    kept = {(i, j): p for i, j, p in zip(left, right, points, strict=True)}

    for code in codes:
        i, j = divmod(code, n)
        alone = score_pair(steps, i, j)
        if (i, j) in kept:
            assert abs(alone - kept[(i, j)]) < 1e-9
        else:
            assert alone < steps.possible


def test_company_lists_are_read_whole() -> None:
    """A contact listing two companies compares on each of them, as a contact with one does."""
    people = [
        _person("Ann", "Lee", custom={"company": ["Acme Ltd", "Beta GmbH"]}),
        _person("Ann", "Lee", custom={"company": "ACME Inc."}),
    ]

    table = prepare(people, MatchRules.for_contacts())

    assert [("acme", "beta"), "acme"] == table.columns["company"]


def test_find_duplicates_refuses_what_is_not_a_list_of_records() -> None:
    """None, a number, a single record and non-mapping company names are validation errors."""
    for bad in (None, 5, _person("A", "B")):
        with pytest.raises(
            ValidationError, match=r"'records'.*expected a list of contacts or of companies"
        ):
            find_duplicates(bad)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"'companies'.*\(a mapping\) or None"):
        find_duplicates([_person("A", "B")], companies=5)  # type: ignore[arg-type]


def test_match_against_refuses_bad_arguments() -> None:
    """A non-store, non-record input, wrong rules or company names are crmkit errors."""
    store = MemoryStore()
    bob = _person("Bob", "Smith", emails=["bob@x.com"])
    for bad_store in (None, 5, [bob]):
        with pytest.raises(ConfigError, match=r"^store: expected a crmkit Store, got "):
            match_against([bob], bad_store)
    with pytest.raises(
        ValidationError, match=r"'new_records'.*expected a list of contacts or of companies"
    ):
        match_against(None, store)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="expected a Contact or a Company"):
        match_against([{"first_name": "Bob"}], store)  # type: ignore[list-item]
    with pytest.raises(ConfigError, match=r"^rules: expected MatchRules, got str$"):
        match_against([bob], store, "x")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="the rules are for companies, the records are contacts"):
        match_against([bob], store, MatchRules.for_companies())
    with pytest.raises(ValidationError, match=r"'companies'.*\(a mapping\) or None"):
        match_against([bob], store, companies=["Acme"])  # type: ignore[arg-type]


def test_default_rules_refuse_bad_changes() -> None:
    """The default rules changed with a bad value raise ConfigError naming what is wrong."""
    rules = MatchRules.for_contacts()
    with pytest.raises(ConfigError, match=r"^kind: expected 'contact' or 'company', got 'deal'$"):
        attrs.evolve(rules, kind="deal")
    with pytest.raises(
        ConfigError, match=r"^blocking: match rules need at least one blocking key$"
    ):
        attrs.evolve(rules, blocking=[])
    with pytest.raises(ConfigError, match=r"^max_group: must be an integer of at least 2, got 1$"):
        attrs.evolve(rules, max_group=1)


def test_from_dict_refuses_bad_data_with_its_path() -> None:
    """Data from to_dict edited into bad shapes is refused with the path of the bad value."""
    raw = MatchRules.for_contacts().to_dict()
    cases: list[tuple[object, str]] = [
        (None, r"^<root>: expected an object, got NoneType$"),
        ([raw], r"^<root>: expected an object, got list$"),
        ({**raw, "colour": "red"}, r"^colour: unknown field$"),
        ({k: v for k, v in raw.items() if k != "fields"}, r"^fields: required field missing$"),
        ({**raw, "blocking": "email"}, r"^blocking: expected a list, got str$"),
        ({**raw, "fields": [5]}, r"^fields\[0\]: expected an object, got int$"),
        ({**raw, "thresholds": {"match": 2}}, r"^thresholds\.match: a probability strictly"),
        ({**raw, "prior": "low"}, r"^prior: expected a finite number, got 'low'$"),
        ({**raw, "kind": 3}, r"^kind: expected text, got 3$"),
        ({**raw, "swapped_names": "yes"}, r"^swapped_names: expected true or false, got 'yes'$"),
    ]
    for data, message in cases:
        with pytest.raises(ConfigError, match=message):
            MatchRules.from_dict(data)
