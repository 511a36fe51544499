"""Scoring every candidate pair, one field rule at a time.

Going field by field over all pairs (rather than pair by pair over all fields) keeps each
rule's settings in local variables for the whole pass and lets C fetch the two values of
every pair (``map(column.__getitem__, rows)``): the Python loop does only the comparison.
It gives exactly the points :func:`~._scoring.score_pair` gives (a test checks it).
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import Any

from ._compare import Similarity
from ._match_field import Comparator
from ._scoring import Plan, RulePlan

__all__ = ["score_pairs"]

# comparators whose unequal single values always disagree (a phone kept as typed may
# still agree with a number written with its country code: it is compared, but two valid
# numbers, E.164 "+..." keys both, agree only when equal)
_SHARED = (Comparator.EXACT, Comparator.EMAIL)


def _flags(p: Plan, left: array[int], right: array[int]) -> tuple[bytearray, bytearray]:
    """Per pair: are the names the other way round; does the whole name agree."""
    size = len(left)
    swap = bytearray(size)
    full = bytearray(size)
    first, last = p.first, p.last
    if first is not None and last is not None:
        for k, fi, fj, li, lj in zip(
            range(size),
            map(first.__getitem__, left),
            map(first.__getitem__, right),
            map(last.__getitem__, left),
            map(last.__getitem__, right),
            strict=True,
        ):
            # crosswise equal on one side, straight equal on neither: entered the wrong way
            if (fi is lj or li is fj) and fi is not fj and li is not lj:
                swap[k] = not (fi is None or fj is None or li is None or lj is None)
    if p.full_name_columns is not None and p.full_name:
        first, last = p.full_name_columns
        for k, fi, fj, li, lj in zip(
            range(size),
            map(first.__getitem__, left),
            map(first.__getitem__, right),
            map(last.__getitem__, left),
            map(last.__getitem__, right),
            strict=True,
        ):
            # name keys are interned (see _features.text_key): identity is equality
            if ((fi is fj and li is lj) or (fi is lj and li is fj)) and fi is not None:
                full[k] = li is not None
    return swap, full


def _one(step: RulePlan, a: object, b: object, freq: dict[Any, float] | None) -> float:
    """Points of one rule for one pair (off the hot path: conditions, swapped names)."""
    if a is None or b is None:
        return step.blank
    if a is b or a == b:
        return step.agree if freq is None else step.agree + freq.get(a, 0.0)
    return step.points(step.compare(a, b))


def _add_rule(
    step: RulePlan,
    totals: array[float],
    *,
    left: array[int],
    right: array[int],
    swap: bytearray,
    full: bytearray,
) -> None:
    column = step.column
    compare: Similarity = step.compare
    agree, disagree, floor, span, blank = (
        step.agree, step.disagree, step.floor, step.span, step.blank
    )  # fmt: skip
    names = step.full_name
    crosswise = step.swap_column is not None and any(swap)
    cond = step.condition
    if cond is not None:
        for k, i, j in zip(range(len(totals)), left, right, strict=True):
            if cond[i] and cond[j]:
                cross = crosswise and swap[k]
                b = step.swap_column[j] if cross else column[j]  # type: ignore[index]
                freq = None if names and full[k] else step.swap_tf if cross else step.tf
                totals[k] += _one(step, column[i], b, freq)
        return
    tf = step.tf
    shared = step.rule.comparator in _SHARED
    phone = step.rule.comparator is Comparator.PHONE
    for k, a, b in zip(
        range(len(totals)),
        map(column.__getitem__, left),
        map(column.__getitem__, right),
        strict=True,
    ):
        if crosswise and swap[k]:
            continue  # scored below, crosswise
        if a is None or b is None:
            if blank:
                totals[k] += blank
        elif a is b or a == b:
            if tf is None or (names and full[k]):
                totals[k] += agree
            else:
                totals[k] += agree + tf.get(a, 0.0)
        elif (shared and a.__class__ is not tuple and b.__class__ is not tuple) or (
            phone and a.__class__ is str and b.__class__ is str and a[:1] == b[:1] == "+"
        ):
            totals[k] += disagree
        else:
            sim = compare(a, b)
            if sim >= 1.0:
                totals[k] += agree
            elif sim <= floor:
                totals[k] += disagree
            else:
                totals[k] += disagree + (sim - floor) * span
    if crosswise:
        other = step.swap_column
        for k in (k for k, flag in enumerate(swap) if flag):
            freq = None if names and full[k] else step.swap_tf
            totals[k] += _one(step, column[left[k]], other[right[k]], freq)  # type: ignore[index]


def score_pairs(
    p: Plan, codes: Sequence[int], n: int
) -> tuple[array[int], array[int], array[float]]:
    """Score every candidate pair (``low * n + high``); return those at or above possible.

    Returns:
        The pairs' first rows, second rows and points, in the order of *codes*.
    """
    left: array[int] = array("q", [code // n for code in codes])
    right: array[int] = array("q", [code % n for code in codes])
    totals: array[float] = array("d", [p.prior]) * len(left)
    swap, full = _flags(p, left, right)
    for step in p.rules:
        if step.empty:
            continue
        _add_rule(step, totals, left=left, right=right, swap=swap, full=full)
    if p.full_name is not None and p.name_counts is not None and any(full):
        points, counts = p.full_name, p.name_counts
        for k, row in enumerate(left):
            if full[k]:
                totals[k] += points[counts[row]]
    possible = p.possible
    keep = [k for k, total in enumerate(totals) if total >= possible]
    return (
        array("q", [left[k] for k in keep]),
        array("q", [right[k] for k in keep]),
        array("d", [totals[k] for k in keep]),
    )
