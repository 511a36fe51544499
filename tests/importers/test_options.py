"""ReadOptions and CleanOptions: checked when made, named by path, round-tripped as dicts."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmkit import from_dict, to_dict
from crmkit.dedupe import MatchRules
from crmkit.errors import ConfigError
from crmkit.importers import CleanOptions, ReadOptions, _engine, clean_file, import_file, preview
from crmkit.storage import MemoryStore

_FIELDS = ["name", "email", "mobile", "phone", "company", "city", "custom:score", None]

read_options = st.builds(
    ReadOptions,
    encoding=st.sampled_from([None, "utf-8", "cp1256", "utf-16", "latin-1"]),
    delimiter=st.sampled_from([None, ",", ";", "\t", "|"]),
    sheet=st.one_of(st.none(), st.integers(0, 20), st.text(min_size=1, max_size=12)),
    mapping=st.dictionaries(st.text(max_size=15), st.sampled_from(_FIELDS), max_size=4),
    region=st.sampled_from([None, "GB", "PK", "IR", "US"]),
    locale=st.sampled_from([None, "en_US", "de_DE", "fa_IR"]),
    jalali=st.sampled_from([None, True, False]),
)
clean_options = st.builds(
    CleanOptions,
    read=read_options,
    rules=st.sampled_from([None, MatchRules.for_contacts()]),
    fuzzy=st.sampled_from([None, True, False]),
    fuzzy_limit=st.integers(0, 10**7),
    workers=st.integers(1, 8),
)


@given(clean_options)
def test_clean_options_round_trip(options: CleanOptions) -> None:
    """Options written to a dict (and through JSON) read back equal."""
    raw = json.loads(json.dumps(to_dict(options)))

    assert options == from_dict(raw, CleanOptions)


@given(read_options)
def test_read_options_round_trip(options: ReadOptions) -> None:
    """Read options on their own round-trip too."""
    raw = to_dict(options)

    assert options == from_dict(raw, ReadOptions)


def test_defaults_work_in_this_process() -> None:
    """By default one worker (this process) normalizes, and nothing overrides the reading."""
    options = CleanOptions()

    assert (1, None, None, ReadOptions()) == (
        options.workers,
        options.fuzzy,
        options.rules,
        options.read,
    )
    assert {"read", "rules", "fuzzy", "fuzzy_limit", "workers"} == set(to_dict(options))


def test_a_short_dict_fills_in_the_defaults() -> None:
    """A dict written by hand names only what it changes."""
    options = from_dict({"read": {"region": "pk"}, "workers": 2}, CleanOptions)

    assert CleanOptions(read=ReadOptions(region="PK"), workers=2) == options


_BAD: list[tuple[Callable[[], object], str, str]] = [
    (lambda: ReadOptions(encoding="klingon"), "read.encoding", "unknown encoding 'klingon'"),
    (lambda: ReadOptions(encoding=5), "read.encoding", "expected text, not 5"),  # type: ignore[arg-type]
    (lambda: ReadOptions(delimiter=";;"), "read.delimiter", "expected one character"),
    (lambda: ReadOptions(delimiter='"'), "read.delimiter", "expected one character"),
    (lambda: ReadOptions(sheet=-1), "read.sheet", "a 0-based index, not -1"),
    (lambda: ReadOptions(sheet=True), "read.sheet", "not True"),
    (lambda: ReadOptions(mapping={"Tel": "fax"}), "read.mapping['Tel']", "unknown field 'fax'"),
    (lambda: ReadOptions(mapping=["Tel"]), "read.mapping", "header -> field pairs"),  # type: ignore[arg-type]
    (lambda: ReadOptions(region="XX"), "read.region", "unknown region 'XX'"),
    (lambda: ReadOptions(region="Pakistan"), "read.region", "two-letter"),
    (lambda: ReadOptions(locale="xx_YY"), "read.locale", "unknown locale 'xx_YY'"),
    (lambda: ReadOptions(jalali="yes"), "read.jalali", "expected true, false or none"),  # type: ignore[arg-type]
    (lambda: CleanOptions(read={"region": "PK"}), "read", "expected ReadOptions, not dict"),  # type: ignore[arg-type]
    (lambda: CleanOptions(rules="strict"), "rules", "expected MatchRules, got str"),  # type: ignore[arg-type]
    (
        lambda: CleanOptions(rules=MatchRules.for_companies()),
        "rules.kind",
        "needs contact rules, not company rules",
    ),
    (lambda: CleanOptions(fuzzy=1), "fuzzy", "expected true, false or none, not 1"),  # type: ignore[arg-type]
    (lambda: CleanOptions(fuzzy_limit=-1), "fuzzy_limit", "must be at least 0, not -1"),
    (lambda: CleanOptions(workers=0), "workers", "must be at least 1, not 0"),
    (lambda: CleanOptions(workers=2.5), "workers", "expected a whole number, not 2.5"),  # type: ignore[arg-type]
    (lambda: from_dict({"workers": 0}, CleanOptions), "workers", "must be at least 1"),
    (lambda: from_dict({"read": {"sep": ";"}}, CleanOptions), "read.sep", "unknown option"),
    (lambda: from_dict({"speed": 9}, CleanOptions), "speed", "unknown option"),
    (lambda: from_dict({"read": []}, CleanOptions), "read", "expected an object, not list"),
    (
        lambda: from_dict({"read": {"encoding": "klingon"}}, CleanOptions),
        "read.encoding",
        "unknown encoding",
    ),
    (
        lambda: from_dict({"rules": {"fields": []}}, CleanOptions),
        "rules.blocking",
        "required field missing",
    ),
]


@pytest.mark.parametrize(("make", "path", "reason"), _BAD)
def test_bad_options_name_their_path(make: Callable[[], object], path: str, reason: str) -> None:
    """A bad value, given directly or in a dict, is a ConfigError whose path names it."""
    with pytest.raises(ConfigError) as caught:
        make()

    assert (path, "config.invalid") == (caught.value.path, caught.value.code)
    assert str(caught.value).startswith(f"{path}: ")
    assert reason in caught.value.reason


def test_options_of_another_type_are_refused(fixtures: dict[str, Path], tmp_path: Path) -> None:
    """A dict (or read options) where CleanOptions belong is a ConfigError naming options."""
    bad: Any = {"workers": 2}
    with pytest.raises(ConfigError, match=r"^options: expected CleanOptions, not dict"):
        clean_file(fixtures["utf8"], out=tmp_path / "c.csv", options=bad)
    with pytest.raises(ConfigError, match=r"^options: expected CleanOptions, not ReadOptions"):
        import_file(fixtures["utf8"], MemoryStore(), options=ReadOptions())  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=r"^options: expected ReadOptions, not dict"):
        preview(fixtures["utf8"], options=bad)
    assert not (tmp_path / "c.csv").exists()


def test_no_process_pool_starts_by_default(
    fixtures: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without workers, clean and import normalize in this process: no pool is made."""

    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a process pool was started")

    monkeypatch.setattr(_engine, "ProcessPoolExecutor", no_pool)
    cleaned = clean_file(fixtures["bundled"], out=tmp_path / "c.csv")
    imported = import_file(fixtures["bundled"], MemoryStore())

    assert cleaned.rows_read == imported.rows_read


def test_read_options_are_used(tmp_path: Path) -> None:
    """The delimiter, mapping and region of the read options decide how the file is read."""
    source = tmp_path / "in.csv"
    source.write_text("Who;Tel\nAnn Lee;07400 123456\n", encoding="utf-8")
    read = ReadOptions(delimiter=";", mapping={"Who": "name", "Tel": "phone"}, region="GB")

    plan = preview(source, options=CleanOptions(read=read))
    alone = preview(source, options=read)

    assert {"name": "Ann Lee", "phone": "+447400123456"}.items() <= plan.rows[0].values.items()
    assert plan == alone
