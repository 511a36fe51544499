"""Match weights learned from the records themselves: expectation-maximisation of m and u.

The Fellegi-Sunter model sees each candidate pair as a vector of comparison outcomes, one
per field rule (agree, partly agree, disagree, or not compared when a value is blank), and
the pairs as a mixture of two kinds: duplicates, whose fields agree with probabilities
``m``, and others, whose fields agree by chance with probabilities ``u``. Fields are taken
as independent given the kind. Expectation-maximisation finds the mixture share and the
``m``/``u`` that make the observed vectors most likely, with no labelled pair at all
(the method of Winkler, and of Splink's and recordlinkage's ``ECMClassifier``).

The pairs are the blocked candidates, so the estimates describe those pairs: the prior
(the share of duplicates) is the candidates', and ``u`` is how often non-duplicates that
blocking put together agree. Scores are only ever given to candidates, so that is the
population the weights must describe.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from attrs import frozen

from crmkit.errors import ConfigError

__all__ = ["AGREE", "DISAGREE", "LEVELS", "PARTIAL", "EmFit", "fit"]

#: Comparison outcomes of one field, as the EM sees them (None: not compared).
DISAGREE, PARTIAL, AGREE = 0, 1, 2
LEVELS = 3
_LOW, _HIGH = 1e-4, 1 - 1e-4

Pattern = tuple[int | None, ...]


@frozen(kw_only=True)
class EmFit:
    """What expectation-maximisation found.

    Attributes:
        share: the estimated share of duplicates among the pairs.
        m: per field, the probability of each outcome (disagree, partly, agree) for
            duplicates.
        u: per field, the same for other pairs.
        iterations: how many rounds ran.
        converged: whether the estimates stopped moving (by less than the tolerance).
    """

    share: float
    m: tuple[tuple[float, ...], ...]
    u: tuple[tuple[float, ...], ...]
    iterations: int
    converged: bool


def _start(fields: int) -> tuple[list[list[float]], list[list[float]]]:
    # duplicates mostly agree, other pairs mostly disagree: the two kinds start apart
    m = [[0.05, 0.1, 0.85] for _ in range(fields)]
    u = [[0.8, 0.1, 0.1] for _ in range(fields)]
    return m, u


def _clip(p: float) -> float:
    return min(_HIGH, max(_LOW, p))


def _expect(
    items: list[tuple[Pattern, int]], share: float, m: list[list[float]], u: list[list[float]]
) -> tuple[float, list[list[float]], list[list[float]]]:
    """The expectation: per field and outcome, the pairs expected of each kind."""
    fields = len(m)
    m_sum = [[0.0] * LEVELS for _ in range(fields)]
    u_sum = [[0.0] * LEVELS for _ in range(fields)]
    dup_total = 0.0
    log_share, log_other = math.log(share), math.log(1 - share)
    for vector, count in items:
        # how likely this vector is a duplicate pair's
        lm, lu = log_share, log_other
        for f, level in enumerate(vector):
            if level is not None:
                lm += math.log(m[f][level])
                lu += math.log(u[f][level])
        top = max(lm, lu)
        weight = math.exp(lm - top) / (math.exp(lm - top) + math.exp(lu - top))
        dup, other = weight * count, (1 - weight) * count
        dup_total += dup
        for f, level in enumerate(vector):
            if level is not None:
                m_sum[f][level] += dup
                u_sum[f][level] += other
    return dup_total, m_sum, u_sum


def fit(
    patterns: Mapping[Pattern, int],
    *,
    share: float = 0.2,
    iterations: int = 100,
    tolerance: float = 1e-5,
    fixed: Sequence[int] = (),
    start: Sequence[tuple[Sequence[float], Sequence[float]] | None] | None = None,
    estimate_u: bool = True,
) -> EmFit:
    """Fit the two-kind mixture to comparison *patterns* (vector -> how many pairs have it).

    Args:
        patterns: each comparison vector (one outcome per field: :data:`DISAGREE`,
            :data:`PARTIAL`, :data:`AGREE` or None) with its number of pairs.
        share: the starting share of duplicates.
        iterations: at most this many rounds.
        tolerance: stop when no estimate moves by more than this.
        fixed: fields whose ``m`` and ``u`` keep their starting values (not estimated).
        start: per field, the starting (m, u) outcome probabilities, or None for the
            generic start (duplicates mostly agree, other pairs mostly disagree). A start
            near the truth keeps the fit on the mixture meant: duplicates, not (say)
            pairs that share a home.
        estimate_u: with False, every ``u`` keeps its start (measured on random pairs,
            say) and only the share and ``m`` are estimated.

    Raises:
        ConfigError: for no pairs, vectors of different lengths, an outcome that is not
            one of the levels, or settings out of range.
    """
    if not patterns:
        raise ConfigError("pairs", "no candidate pairs to estimate weights from")
    sizes = {len(p) for p in patterns}
    if len(sizes) != 1:
        raise ConfigError("pairs", "every comparison vector needs one outcome per field")
    for vector, count in patterns.items():
        if any(v is not None and v not in (DISAGREE, PARTIAL, AGREE) for v in vector):
            raise ConfigError("pairs", f"unknown outcome in {vector!r}")
        given: object = count  # callers are not type-checked
        if not isinstance(given, int) or count < 1:
            raise ConfigError("pairs", f"a pattern needs a positive count, got {count!r}")
    if not 0 < share < 1:
        raise ConfigError("share", f"a probability strictly between 0 and 1, got {share}")
    rounds_given: object = iterations
    if not isinstance(rounds_given, int) or iterations < 1:
        raise ConfigError("iterations", f"must be a positive integer, got {iterations!r}")
    if not tolerance > 0:
        raise ConfigError("tolerance", f"must be positive, got {tolerance!r}")
    (fields,) = sizes
    m, u = _start(fields)
    if start is not None:
        if len(start) != fields:
            raise ConfigError("start", f"give one start per field ({fields}), got {len(start)}")
        for f, given in enumerate(start):
            if given is not None:
                m[f] = [_clip(p) for p in given[0]]
                u[f] = [_clip(p) for p in given[1]]
    items = list(patterns.items())
    total = sum(patterns.values())
    rounds, converged = 0, False
    for rounds in range(1, iterations + 1):  # noqa: B007 - the count is reported
        dup_total, m_sum, u_sum = _expect(items, share, m, u)
        # the maximisation: shares of each outcome, per kind
        new_share = min(_HIGH, max(_LOW, dup_total / total))
        moved = abs(new_share - share)
        share = new_share
        for f in range(fields):
            if f in fixed:
                continue
            for side, sums in ((m, m_sum), (u, u_sum)) if estimate_u else ((m, m_sum),):
                seen = sum(sums[f])
                if seen <= 0:
                    continue
                fresh = [_clip(s / seen) for s in sums[f]]
                moved = max(moved, *(abs(a - b) for a, b in zip(fresh, side[f], strict=True)))
                side[f] = fresh
        if moved < tolerance:
            converged = True
            break
    return EmFit(
        share=share,
        m=tuple(tuple(row) for row in m),
        u=tuple(tuple(row) for row in u),
        iterations=rounds,
        converged=converged,
    )
