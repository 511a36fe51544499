"""Every ```python block of README.md and docs/*.md runs, in order, one namespace per page."""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def _blocks(page: Path) -> list[tuple[int, str]]:
    text = page.read_text(encoding="utf-8")
    return [(text[: m.start()].count("\n") + 2, m.group(1)) for m in _BLOCK.finditer(text)]


def _ends_in_raise(body: list[ast.stmt]) -> bool:
    """Whether *body* cannot finish normally: its last statement raises (inside a with too)."""
    last = body[-1]
    if isinstance(last, ast.With | ast.AsyncWith):
        return _ends_in_raise(last.body)
    return isinstance(last, ast.Raise)


def silent_tries(source: str) -> list[int]:
    """Return the lines of the try statements in *source* that pass when nothing is raised.

    An example that shows an error catches it with ``try``/``except``; without an ``else``
    that fails, it would pass just as well when the error is no longer raised. A try is
    fine with an ``else``, when its body ends in a ``raise``, or when every handler re-raises.
    """
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Try | ast.TryStar) or not node.handlers or node.orelse:
            continue
        if _ends_in_raise(node.body) or all(_ends_in_raise(h.body) for h in node.handlers):
            continue
        lines.append(node.lineno)
    return lines


def test_silent_tries_finds_a_try_that_passes_when_nothing_is_raised() -> None:
    """A try whose except catches the error and which has no else is reported by its line."""
    source = "x = 1\ntry:\n    x = int('2')\nexcept ValueError as exc:\n    assert exc\n"

    assert [2] == silent_tries(source)


@pytest.mark.parametrize(
    "source",
    [
        "try:\n    int('x')\nexcept ValueError:\n    pass\nelse:\n    raise AssertionError\n",
        "try:\n    with open('f'):\n        raise OSError\nexcept OSError:\n    pass\n",
        "try:\n    int('x')\nexcept ValueError:\n    raise\n",
        "try:\n    int('x')\nfinally:\n    pass\n",
    ],
    ids=["else", "body-raises", "re-raises", "finally-only"],
)
def test_silent_tries_accepts_a_try_that_cannot_pass_silently(source: str) -> None:
    """A try with an else, a body that raises, a re-raising handler or no handler is fine."""
    assert [] == silent_tries(source)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_page_examples_cannot_pass_silently(page: Path) -> None:
    """No example catches an expected error without failing when it is not raised."""
    silent = [
        f"{page.name}:{line + found - 1}"
        for line, source in _blocks(page)
        for found in silent_tries(source)
    ]

    assert [] == silent


def test_every_docs_page_has_examples() -> None:
    """Each docs page carries at least one executed example."""
    empty = [p.name for p in PAGES if p.parent.name == "docs" and not _blocks(p)]

    assert [] == empty


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_page_examples_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page's python examples run without error (and their own asserts hold)."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    for line, source in _blocks(page):
        code = compile("\n" * (line - 1) + source, str(page), "exec")
        exec(code, namespace)  # noqa: S102 - the project's own documentation examples
