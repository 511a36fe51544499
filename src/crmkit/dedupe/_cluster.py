"""Clustering scored pairs into groups, with a core rule against chains of weak links.

The rule (documented in ``docs/dedupe.md``):

1. Records joined by *match* pairs form connected components.
2. In each component the **core** is the record with the most match pairs inside it (ties:
   the higher sum of points, then the smaller record id).
3. A record stays in the core's group only if it matches the core itself **and** either
   is linked (at least *possible*) to more than half of the group's other members, or
   matches the core strongly (at least the ``core`` threshold). Pairs that blocking did
   not propose are scored for this check. Records failing it are peeled off one at a time,
   the least linked first, until every member passes.
4. Records peeled off are clustered again among themselves by the same rule.
5. A group never exceeds ``max_group`` records: beyond it, the members with the weakest
   match to the core are peeled off.

Given a *conflict* test (records whose names clearly differ, see ``_conflict``), a match
pair that fails it is only a *possible* pair, never a link of a group, and a group never
holds two records that fail it: the member at odds with the most others is peeled off (the
core never is), and clustered again with the rest.

So a chain a~b~c of weak links, where a and c do not match, keeps b with only one of them;
and no member of a group is ever more than one match away from its core.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence
from itertools import chain, compress

__all__ = ["Cluster", "Conflict", "cluster"]

_NONE = float("-inf")

#: Whether two rows must never be in one group (their names clearly differ).
Conflict = Callable[[int, int], bool]


class Cluster:
    """One group found: rows, the core's row, the weakest link to the core, and its kind.

    ``names_differ`` marks a possible pair that scored as a match but whose names clearly
    differ (a shared phone or mailbox): offered for review, never merged.
    """

    __slots__ = ("core", "kind", "names_differ", "points", "rows")

    def __init__(
        self,
        rows: tuple[int, ...],
        core: int,
        points: float,
        kind: str,
        *,
        names_differ: bool = False,
    ) -> None:
        self.rows = rows
        self.core = core
        self.points = points
        self.kind = kind
        self.names_differ = names_differ


def _find(parent: dict[int, int] | array[int], x: int) -> int:
    """The root of *x* in a union-find forest, shortening the path on the way."""
    root = x
    while parent[root] != root:
        root = parent[root]
    while parent[x] != root:
        parent[x], x = root, parent[x]
    return root


def _components(
    members: Sequence[int], adj: dict[int, dict[int, float]], match: float
) -> list[list[int]]:
    inside = set(members)
    parent = {m: m for m in members}
    for m in members:
        for other, pts in adj[m].items():
            if pts >= match and other in inside:
                a, b = _find(parent, m), _find(parent, other)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for m in members:
        groups.setdefault(_find(parent, m), []).append(m)
    return list(groups.values())


class _Links:
    """Scores between rows: the scored candidate pairs, others scored when first asked."""

    __slots__ = ("adj", "extra", "score")

    def __init__(self, adj: dict[int, dict[int, float]], score: Callable[[int, int], float]):
        self.adj = adj
        self.score = score
        self.extra: dict[tuple[int, int], float] = {}

    def __call__(self, a: int, b: int) -> float:
        found = self.adj[a].get(b)
        if found is not None:
            return found
        key = (a, b) if a < b else (b, a)
        found = self.extra.get(key)
        if found is None:
            found = self.extra[key] = self.score(*key)
        return found


def _settle(
    members: list[int],
    links: _Links,
    *,
    ids: Sequence[str],
    thresholds: tuple[float, float, float],
    max_group: int | None,
    conflict: Conflict | None,
    out: list[Cluster],
) -> None:
    adj = links.adj
    match, possible, strong = thresholds
    pending = [members]
    while pending:
        group = pending.pop()
        if len(group) < 2:
            continue
        inside = set(group)

        def rank(m: int, inside: set[int] = inside) -> tuple[int, float, str]:
            links = [p for o, p in adj[m].items() if o in inside and p >= match]
            return (-len(links), -sum(links), ids[m])

        core = min(group, key=rank)
        near = adj[core]
        kept = {core} | {m for m in group if near.get(m, _NONE) >= match}
        while len(kept) > 2:
            others = len(kept) - 1
            worst = None
            worst_rank: tuple[int, float, str] | None = None
            for m in kept:
                if m == core or near[m] >= strong:
                    continue
                linked = sum(1 for o in kept if o != m and links(m, o) >= possible)
                if linked * 2 <= others:
                    r = (linked, near[m], ids[m])
                    if worst_rank is None or r < worst_rank:
                        worst, worst_rank = m, r
            if worst is None:
                break
            kept.discard(worst)
        if max_group is not None and len(kept) > max_group:
            ranked = sorted(kept - {core}, key=lambda m: (-near[m], ids[m]))
            kept = {core, *ranked[: max_group - 1]}
        if conflict is not None and len(kept) > 2:
            _part_conflicts(kept, core, near, ids, conflict)
        if len(kept) >= 2:
            rows = tuple(sorted(kept, key=ids.__getitem__))
            weakest = min(near[m] for m in kept if m != core)
            out.append(Cluster(rows, core, weakest, "match"))
        rest = [m for m in group if m not in kept]
        if len(rest) >= 2:
            pending.extend(_components(rest, adj, match))


def _part_conflicts(
    kept: set[int],
    core: int,
    near: dict[int, float],
    ids: Sequence[str],
    conflict: Conflict,
) -> None:
    """Peel members off *kept* until no two of them have clearly different names."""
    members = sorted(kept, key=ids.__getitem__)
    clash = {m: {o for o in members if o != m and conflict(m, o)} for m in members}
    while True:
        # the member at odds with the most others goes first; ties: the weaker match to
        # the core, then the later id; the core itself stays
        at_odds = [m for m in kept if m != core and clash[m]]
        if not at_odds:
            return
        worst = max(at_odds, key=lambda m: (len(clash[m]), -near.get(m, _NONE), ids[m]))
        kept.discard(worst)
        for other in clash.pop(worst):
            clash[other].discard(worst)


def _vetoed(
    matched: list[bool], left: array[int], right: array[int], conflict: Conflict | None
) -> set[int]:
    """The match pairs between clearly different names, unmarked in *matched*: possible."""
    if conflict is None:
        return set()
    vetoed = {k for k in compress(range(len(matched)), matched) if conflict(left[k], right[k])}
    for k in vetoed:
        matched[k] = False
    return vetoed


def _inside(
    components: dict[int, list[int]],
    pairs: tuple[array[int], array[int], array[float]],
    vetoed: set[int],
    below: float,
) -> dict[int, dict[int, float]]:
    """The links the core rule reads: those inside a component of three or more.

    A vetoed pair's points are held *below* match: it links as possible at most.
    """
    where = {m: root for root, group in components.items() for m in group}
    adj: dict[int, dict[int, float]] = {m: {} for m in where}
    for k, (i, j, pts) in enumerate(zip(*pairs, strict=True)):
        at = where.get(i)
        if at is not None and at == where.get(j):
            held = min(pts, below) if k in vetoed else pts
            adj[i][j] = held
            adj[j][i] = held
    return adj


def cluster(
    left: array[int],
    right: array[int],
    points: array[float],
    ids: Sequence[str],
    score: Callable[[int, int], float],
    *,
    match: float,
    possible: float,
    strong: float,
    max_group: int | None,
    conflict: Conflict | None = None,
) -> list[Cluster]:
    """Group scored pairs (all at or above *possible*, in points) into clusters.

    *score* gives the points of any other pair of rows (for the core rule's check);
    *conflict* tells rows that must never share a group (a match pair between them is
    only possible).

    Returns the match groups by the core rule, then one *possible* group per pair scored
    between *possible* and *match* whose records did not end up in one match group.

    Memory stays a few flat arrays over the rows plus the links inside components of three
    records or more (the few that the core rule has to settle): most components are one
    matching pair, taken as it is.
    """
    n = len(ids)
    matched = list(map(match.__le__, points))
    vetoed = _vetoed(matched, left, right, conflict)
    ml = array("q", compress(left, matched))
    mr = array("q", compress(right, matched))
    mp = array("d", compress(points, matched))
    del matched
    parent = array("q", range(n))
    for i, j in zip(ml, mr, strict=True):
        a, b = _find(parent, i), _find(parent, j)
        if a != b:
            parent[max(a, b)] = min(a, b)
    # records per component, counted at the root (each record in a match pair once)
    size = array("q", bytes(8 * n))
    counted = bytearray(n)
    for x in chain(ml, mr):
        if not counted[x]:
            counted[x] = 1
            size[_find(parent, x)] += 1
    out: list[Cluster] = []
    components: dict[int, list[int]] = {}
    for i, j, pts in zip(ml, mr, mp, strict=True):
        root = _find(parent, i)
        if size[root] == 2:
            a, b = (i, j) if ids[i] <= ids[j] else (j, i)
            out.append(Cluster((a, b), a, pts, "match"))
            continue
        group = components.setdefault(root, [])
        if counted[i] == 1:
            counted[i] = 2
            group.append(i)
        if counted[j] == 1:
            counted[j] = 2
            group.append(j)
    del size, counted, ml, mr, mp
    del parent
    # a vetoed pair counts as a possible link (for the core rule's "linked" count) only
    below = max(possible, match - 1e-9) if possible < match else _NONE
    links = _Links(_inside(components, (left, right, points), vetoed, below), score)
    for members in components.values():
        _settle(
            members,
            links,
            ids=ids,
            thresholds=(match, possible, strong),
            max_group=max_group,
            conflict=conflict,
            out=out,
        )
    home = array("q", [-1]) * n
    for number, found in enumerate(out):
        for row in found.rows:
            home[row] = number
    for k, (i, j, pts) in enumerate(zip(left, right, points, strict=True)):
        at = home[i]
        if at < 0 or at != home[j]:
            # below match, a match the core rule split, or a match between clearly
            # different names: each is worth a look
            a, b = (i, j) if ids[i] <= ids[j] else (j, i)
            out.append(Cluster((a, b), a, pts, "possible", names_differ=k in vetoed))
    return out
