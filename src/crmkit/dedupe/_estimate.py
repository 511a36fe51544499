"""Estimating match weights from the user's own, unlabelled records (see :mod:`._em`)."""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from crmkit.errors import ConfigError

from ._arguments import check_companies, listed_records
from ._blocking import candidate_pairs
from ._em import AGREE, DISAGREE, PARTIAL, EmFit, Pattern, fit
from ._features import Record, prepare
from ._find import rules_for
from ._gc import gc_paused
from ._match_field import MatchField
from ._rules import MatchRules
from ._scoring import RulePlan, plan

__all__ = ["estimate_weights"]

# m and u are kept inside (0, 1) and apart, as MatchField wants them
_EDGE = 1e-4


def _level(step: RulePlan, i: int, j: int) -> int | None:
    condition = step.condition
    if condition is not None and not (condition[i] and condition[j]):
        return None
    a, b = step.column[i], step.column[j]
    if a is None or b is None:
        return None
    similarity = 1.0 if a is b or a == b else step.compare(a, b)
    if similarity >= 1.0:
        return AGREE
    return PARTIAL if similarity > step.floor else DISAGREE


def _sample(codes: Sequence[int], size: int) -> Iterable[int]:
    # evenly spread over the sorted pairs: every part of the data has its say
    if len(codes) <= size:
        return codes
    step = len(codes) / size
    return (codes[int(k * step)] for k in range(size))


class Comparisons:
    """The comparison vectors of a run: of its candidate pairs, and of random pairs.

    Attributes:
        candidates: each vector of the candidate pairs compared, with its count.
        random: the same for pairs drawn at random (nearly all of them not duplicates:
            how often fields agree by chance, ``u``).
        candidate_pairs: how many candidate pairs blocking proposed in all.
        records: how many records there are.
    """

    __slots__ = ("candidate_pairs", "candidates", "random", "records")

    def __init__(
        self, candidates: Counter[Pattern], random: Counter[Pattern], pairs: int, records: int
    ) -> None:
        self.candidates = candidates
        self.random = random
        self.candidate_pairs = pairs
        self.records = records


def comparisons(
    records: Sequence[Record],
    rules: MatchRules,
    companies: Mapping[str, Any] | None = None,
    *,
    max_pairs: int = 200_000,
    seed: int = 0,
) -> Comparisons:
    """Compare a sample of *records*' candidate pairs, and a quarter as many random pairs."""
    table = prepare(records, rules, companies)
    codes, _ = candidate_pairs(table, rules)
    steps = plan(rules, table, frequencies=False).rules
    n = len(table)
    candidates: Counter[Pattern] = Counter()
    for code in _sample(codes, max_pairs):
        i, j = divmod(code, n)
        candidates[tuple(_level(s, i, j) for s in steps)] += 1
    drawn: Counter[Pattern] = Counter()
    rng = random.Random(seed)  # noqa: S311 - drawing pairs to compare, not secrets
    for _ in range(min(max_pairs // 4, n * (n - 1) // 2) if n > 1 else 0):
        i, j = rng.randrange(n), rng.randrange(n - 1)
        j += j >= i
        drawn[tuple(_level(s, i, j) for s in steps)] += 1
    return Comparisons(candidates, drawn, len(codes), n)


def _start(rule: MatchField) -> tuple[list[float], list[float]] | None:
    """The (m, u) outcome probabilities the rule's own points stand for, to start from."""
    agree, disagree = 2.0**rule.agree_points, 2.0**rule.disagree_points
    if agree <= 1.0 or disagree >= 1.0:
        return None
    # log2(m/u) = agree points and log2((1-m)/(1-u)) = disagree points, solved for m, u
    u = (1.0 - disagree) / (agree - disagree)
    m = u * agree
    return [(1 - m) * 0.7, (1 - m) * 0.3, m], [(1 - u) * 0.9, (1 - u) * 0.1, u]


def _weighted(
    rule: MatchField, m: tuple[float, ...], u: tuple[float, ...], seen: bool
) -> MatchField:
    agree_m = min(1 - _EDGE, max(_EDGE, m[AGREE]))
    agree_u = min(1 - _EDGE, max(_EDGE, u[AGREE]))
    if not seen or agree_m <= agree_u * (1 + 1e-6):
        # agreement is no more common among duplicates: the field says nothing here
        return attrs.evolve(rule, m=None, u=None, agree=0.0, disagree=0.0, frequency=False)
    return attrs.evolve(rule, m=agree_m, u=agree_u)


def estimate_weights(
    records: Iterable[Record],
    rules: MatchRules | None = None,
    *,
    companies: Mapping[str, Any] | None = None,
    max_pairs: int = 200_000,
    iterations: int = 100,
) -> MatchRules:
    """Learn each field's ``m`` and ``u`` and the prior from unlabelled *records*.

    The candidate pairs that *rules*' blocking proposes are compared field by field, and
    expectation-maximisation fits the Fellegi-Sunter mixture of duplicates and other pairs
    to them (see ``docs/dedupe.md``). The rules come back with every field's ``m`` (share
    of duplicates that agree) and ``u`` (share of other candidate pairs that agree by
    chance) set, and the prior set to the duplicates' estimated share of candidates;
    blocking, comparators, floors, thresholds and frequency adjustments stay as they were.
    The fit starts from the probabilities the rules' own points stand for, so it stays
    on the mixture meant (duplicates, not pairs that share a home). A field never
    compared, or whose agreement turns out no more common among duplicates, gets no
    weight.
    An explanation of a pair scored with the new rules shows each field's ``m`` and ``u``.

    Args:
        records: contacts, or companies (not both), as for :func:`find_duplicates`.
        rules: the rules to estimate weights for (the defaults for the records' kind).
        companies: as for :func:`find_duplicates`.
        max_pairs: at most this many candidate pairs are compared (spread evenly).
        iterations: at most this many rounds of expectation-maximisation.

    Raises:
        ValidationError: for *records* as :func:`find_duplicates` refuses them.
        ConfigError: for rules that do not fit the records, a *max_pairs* or
            *iterations* that is not a positive integer, or records without a single
            candidate pair to learn from.
    """
    listed = listed_records(records)
    check_companies(companies)
    rules = rules_for(listed, rules)
    given: tuple[tuple[str, object], ...] = (("max_pairs", max_pairs), ("iterations", iterations))
    for name, value in given:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(name, f"must be a positive integer, got {value!r}")
    with gc_paused():
        found = comparisons(listed, rules, companies, max_pairs=max_pairs)
    return fit_rules(rules, found, iterations=iterations)[0]


def _chance(random_pairs: Counter[Pattern], field: int) -> list[float] | None:
    """Outcome shares of one field among random pairs (None: never compared there)."""
    counts = [0.0] * 3
    for vector, count in random_pairs.items():
        level = vector[field]
        if level is not None:
            counts[level] += count
    total = sum(counts)
    if not total:
        return None
    # a pseudo-count keeps an outcome never drawn (two random records that agree on a
    # street) possible, at less than one in the pairs drawn
    return [(c + 0.5) / (total + 1.5) for c in counts]


def fit_rules(
    rules: MatchRules, found: Comparisons, *, iterations: int = 100
) -> tuple[MatchRules, EmFit]:
    """*rules* with the weights and prior fitted to *found*, and the fit itself.

    ``u`` is how often a field agrees between random pairs (nearly all of them not
    duplicates), as Splink measures it; ``m`` and the share of duplicates among the
    candidates come from expectation-maximisation over the candidates with ``u`` held.
    The prior is the chance that two records picked at random are duplicates.
    """
    if not found.candidates:
        raise ConfigError("records", "no candidate pairs to learn weights from")
    fields = len(rules.fields)
    starts: list[tuple[list[float], list[float]] | None] = []
    for f, rule in enumerate(rules.fields):
        own = _start(rule)
        chance = _chance(found.random, f)
        if own is not None and chance is not None:
            own = (own[0], chance)
        starts.append(own)
    result = fit(found.candidates, iterations=iterations, start=starts, estimate_u=False)
    seen = [any(p[f] is not None for p in found.candidates) for f in range(fields)]
    weighted = tuple(
        _weighted(rule, m, u, was)
        for rule, m, u, was in zip(rules.fields, result.m, result.u, seen, strict=True)
    )
    n = found.records
    duplicates = result.share * found.candidate_pairs
    share = min(1 - _EDGE, max(1e-12, duplicates / max(1, n * (n - 1) // 2)))
    prior = math.log2(share / (1 - share))
    return attrs.evolve(rules, fields=weighted, prior=prior), result
