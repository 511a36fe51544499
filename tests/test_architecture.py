"""The layers of docs/architecture.md hold: imports point one way, and no files import in a circle.

Every import counts, at the top of a module, inside a function or under TYPE_CHECKING, because
each of them ties the importing file to the imported one.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parent.parent / "src"

#: The layers, from the bottom up: a module may import its own layer and those below.
#: The longest matching prefix decides a module's layer.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base", ("crmkit.errors", "crmkit._codes", "crmkit._ids", "crmkit._lazy", "crmkit._optional")),
    ("values", ("crmkit.values", "crmkit._converter", "crmkit._record")),
    ("expr", ("crmkit.expr",)),
    ("fields", ("crmkit.fields",)),
    (
        "domain",
        (
            "crmkit.contacts",
            "crmkit.pipeline",
            "crmkit.permissions",
            "crmkit.activities",
            "crmkit.calendars",
        ),
    ),
    ("dedupe", ("crmkit.dedupe",)),
    ("storage", ("crmkit.storage",)),
    (
        "services",
        (
            "crmkit.dedupe._service",
            "crmkit.permissions._activities",
            "crmkit.permissions._merging",
            "crmkit.permissions._reads",
            "crmkit.permissions._secured",
            "crmkit.permissions._store",
            "crmkit.leads",
            "crmkit.importers",
            "crmkit.timeline",
            "crmkit.reports",
        ),
    ),
    ("top", ("crmkit", "crmkit.testing", "crmkit.cli", "crmkit.__main__")),
)


def modules(root: Path) -> dict[str, Path]:
    """Every module under *root* (a ``src`` folder) by its dotted name."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, known: Mapping[str, Path]) -> Iterator[str]:
    """The known modules that module *name* (at *path*) imports, anywhere in its body."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            # "from package import module" imports the module; "import name" the package
            targets = [f"{base}.{alias.name}" for alias in node.names]
            targets = [t if t in known else base for t in targets]
        else:
            continue
        for target in targets:
            found = target
            while found and found not in known:
                found = found.rpartition(".")[0]
            if found and found != name:
                yield found


def graph(root: Path) -> dict[str, set[str]]:
    """The import graph of the modules under *root*."""
    known = modules(root)
    return {name: set(imports(name, path, known)) for name, path in known.items()}


def layer_of(name: str, edges: Mapping[str, set[str]]) -> int:
    """The layer index of module *name*.

    A package's ``__init__`` stands as high as the highest of its own submodules that it
    re-exports: importing the package loads them.
    """
    best, rank = "", -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            matches = name == prefix or name.startswith(prefix + ".")
            if matches and len(prefix) > len(best):
                best, rank = prefix, index
    if rank < 0:
        raise LookupError(f"module {name} is in no layer: add it to LAYERS")
    inner = [t for t in edges.get(name, ()) if t.startswith(name + ".")]
    return max([rank, *(layer_of(t, edges) for t in inner)])


def upward(edges: Mapping[str, set[str]]) -> list[str]:
    """Each import that points to a higher layer, as ``a (layer) -> b (layer)``."""
    found = []
    for name in sorted(edges):
        mine = layer_of(name, edges)
        for target in sorted(edges[name]):
            theirs = layer_of(target, edges)
            if theirs > mine:
                found.append(f"{name} ({LAYERS[mine][0]}) -> {target} ({LAYERS[theirs][0]})")
    return found


def circles(edges: Mapping[str, set[str]]) -> list[list[str]]:
    """Groups of two or more modules that import each other in a loop (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def units(edges: Mapping[str, set[str]]) -> dict[str, set[str]]:
    """The import graph between top-level units (``crmkit.dedupe``, ``crmkit.errors``...)."""

    def unit(name: str) -> str:
        return ".".join(name.split(".")[:2])

    out: dict[str, set[str]] = {}
    for name, targets in edges.items():
        mine = unit(name)
        out.setdefault(mine, set()).update(unit(t) for t in targets if unit(t) != mine)
    # the package root re-exports from below and is imported by nobody in the package
    out.pop("crmkit", None)
    return {name: {t for t in targets if t != "crmkit"} for name, targets in out.items()}


EDGES = graph(SOURCE)


def test_every_module_is_in_a_layer() -> None:
    """Each module of crmkit has a layer, so a new package cannot skip the check."""
    for name in EDGES:
        layer_of(name, EDGES)


def test_imports_point_down_the_layers() -> None:
    """No module imports one of a higher layer."""
    assert [] == upward(EDGES)


def test_no_circle_of_files() -> None:
    """No modules import each other in a loop."""
    assert [] == circles(EDGES)


def test_no_circle_of_top_level_units() -> None:
    """No top-level units (packages and modules of crmkit) import each other in a loop."""
    assert [] == circles(units(EDGES))


def test_the_checks_catch_what_they_look_for(tmp_path: Path) -> None:
    """A planted upward import and a planted circle are both found."""
    package = tmp_path / "crmkit"
    (package / "contacts").mkdir(parents=True)
    (package / "storage").mkdir()
    (package / "__init__.py").write_text("")
    (package / "errors.py").write_text("")
    (package / "contacts" / "__init__.py").write_text("from ._model import Contact\n")
    (package / "contacts" / "_model.py").write_text(
        "def f():\n    from crmkit.storage import Store\n"
    )
    (package / "storage" / "__init__.py").write_text("from crmkit.contacts import Contact\n")

    edges = graph(tmp_path)

    assert ["crmkit.contacts._model (domain) -> crmkit.storage (storage)"] == upward(edges)
    assert [["crmkit.contacts", "crmkit.contacts._model", "crmkit.storage"]] == circles(edges)


def test_a_module_outside_the_layers_is_refused() -> None:
    """A module no layer names raises, naming it."""
    with pytest.raises(LookupError, match="module elsewhere is in no layer"):
        layer_of("elsewhere", {})
