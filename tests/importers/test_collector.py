from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from crmkit.importers._collector import fewer_collections


@pytest.fixture
def thresholds() -> Iterator[tuple[int, int, int]]:
    """The collector's thresholds before the test, put back after it."""
    saved = gc.get_threshold()
    yield saved
    gc.set_threshold(*saved)


def test_thresholds_are_raised_inside_and_restored_after(
    thresholds: tuple[int, int, int],
) -> None:
    """Inside the block collections are rarer; after it the old thresholds are back."""
    gc.set_threshold(700, 10, 10)
    with fewer_collections():
        inside = gc.get_threshold()

    assert inside[0] > 700
    assert (700, 10, 10) == gc.get_threshold()


def test_nested_blocks_restore_once(thresholds: tuple[int, int, int]) -> None:
    """An inner block leaves the raised setting to the outer one, which restores it."""
    gc.set_threshold(700, 10, 10)
    with fewer_collections():
        raised = gc.get_threshold()
        with fewer_collections():
            pass
        after_inner = gc.get_threshold()

    assert raised == after_inner
    assert (700, 10, 10) == gc.get_threshold()


def test_collection_turned_off_stays_off(thresholds: tuple[int, int, int]) -> None:
    """A first threshold of 0 (collection off) is left alone."""
    gc.set_threshold(0, 10, 10)
    with fewer_collections():
        inside = gc.get_threshold()

    assert (0, 10, 10) == inside


def test_restored_after_an_error(thresholds: tuple[int, int, int]) -> None:
    """An exception inside the block still restores the thresholds."""
    gc.set_threshold(700, 10, 10)
    with pytest.raises(RuntimeError, match="boom"), fewer_collections():
        raise RuntimeError("boom")

    assert (700, 10, 10) == gc.get_threshold()


def test_threads_share_one_setting(thresholds: tuple[int, int, int]) -> None:
    """Blocks in two threads that overlap restore the thresholds seen before the first."""
    gc.set_threshold(700, 10, 10)
    entered = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with fewer_collections():
            entered.set()
            release.wait(5)

    worker = threading.Thread(target=hold)
    worker.start()
    entered.wait(5)
    with fewer_collections():
        pass
    still_raised = gc.get_threshold()
    release.set()
    worker.join(5)

    assert still_raised[0] > 700
    assert (700, 10, 10) == gc.get_threshold()
