"""The nickname table (``nicknames.txt``): which first names stand for which."""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache
from importlib.resources import files

__all__ = ["canonical_first_names", "fold"]


def fold(text: str) -> str:
    """Case-fold *text* and drop accents and punctuation inside a name (José -> jose)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = (c for c in decomposed if not unicodedata.combining(c) and c not in "'’.-")
    return "".join(kept).strip()


@cache
def _table() -> dict[str, frozenset[str]]:
    groups: dict[str, set[str]] = {}
    text = files(__package__).joinpath("nicknames.txt").read_text(encoding="utf-8")
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        names = [fold(n) for n in line.split(",") if n.strip()]
        canonical = names[0]
        for name in names:
            groups.setdefault(name, set()).add(canonical)
    return {name: frozenset(found) for name, found in groups.items()}


@lru_cache(maxsize=1 << 16)  # scoring asks for the same few thousand names millions of times
def canonical_first_names(name: str) -> frozenset[str]:
    """Return the formal names *name* may stand for (itself when it is in no group).

    ``canonical_first_names("bob") == {"robert"}``; a short name shared by several groups
    (``"pat"``) stands for all of them.
    """
    folded = fold(name)
    return _table().get(folded, frozenset((folded,)))
