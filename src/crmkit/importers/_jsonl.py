"""Reading JSON lines and iterables of dicts: one object a row, its keys the columns."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from crmkit.errors import ErrorCode, SourceError

from ._table import RowProblem, SourceRow, Table, cell_text, clean_headers
from ._textfile import check_encoding, detect_encoding, open_text, read_sample

__all__ = ["jsonl_table", "records_table"]


def _json_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return cell_text(float(value)) if isinstance(value, float) else str(value)
    if isinstance(value, list):
        return "; ".join(_json_cell(v) for v in value)
    return json.dumps(value, ensure_ascii=False)


def _record_row(number: int, record: Mapping[str, object], keys: tuple[str, ...]) -> SourceRow:
    cells = tuple(_json_cell(record.get(k)) for k in keys)
    extra = [k for k in record if k not in keys and record[k] not in (None, "")]
    if not extra:
        return SourceRow(number, cells)
    # the values of unexpected keys are kept after the known ones, in the problem's order
    problem = f"unexpected key(s) {', '.join(map(str, extra))}"
    return SourceRow(number, (*cells, *(_json_cell(record[k]) for k in extra)), problem)


def _unreadable_line(number: int, line: str, reason: str, width: int) -> SourceRow:
    # the whole line is the row's only cell past the headers, so rejects keep it as it was
    return SourceRow(number, (*([""] * width), line.rstrip("\r\n")), reason)


def _too_deep(line_no: int) -> RowProblem:
    return RowProblem(f"line {line_no} is nested too deeply to read", ErrorCode.TOO_DEEP)


def jsonl_table(path: Path, encoding: str | None) -> Table:
    """Open a JSON-lines file as a :class:`Table` (see :func:`open_source`)."""
    sample = read_sample(path)
    name = str(path)
    if not sample.strip():
        raise SourceError(name, "the file is empty", code=ErrorCode.SOURCE_EMPTY)
    if encoding is not None:
        check_encoding(name, encoding, sample)
    chosen = encoding or detect_encoding(sample)

    def objects() -> Iterator[tuple[int, str, Mapping[str, object] | str]]:
        """Each non-blank line: its line number, its text, and its object or what is wrong."""
        with open_text(path, chosen) as fh:
            line_no = 0
            try:
                for line_no, line in enumerate(fh, start=1):
                    if not line.strip():
                        continue
                    try:
                        value = json.loads(line)
                    except json.JSONDecodeError as exc:
                        yield line_no, line, f"line {line_no} is not JSON: {exc.msg}"
                        continue
                    except RecursionError:
                        yield line_no, line, _too_deep(line_no)
                        continue
                    if not isinstance(value, dict):
                        yield line_no, line, f"line {line_no} is not a JSON object"
                        continue
                    yield line_no, line, value
            except UnicodeError as exc:
                raise SourceError(
                    name,
                    f"text is not {chosen} after line {line_no}: pass an encoding",
                    code=ErrorCode.SOURCE_ENCODING,
                ) from exc

    first = next((value for _, _, value in objects() if not isinstance(value, str)), None)
    if first is None:
        raise SourceError(name, "the file holds no JSON objects", code=ErrorCode.SOURCE_EMPTY)
    keys = tuple(first.keys())
    headers = clean_headers(keys)

    def rows() -> Iterator[SourceRow]:
        for number, line, value in objects():
            if isinstance(value, str):
                yield _unreadable_line(number, line, value, len(keys))
                continue
            try:
                yield _record_row(number, value, keys)
            except RecursionError:
                # an object can be read, yet nest lists too deeply to turn into cells
                yield _unreadable_line(number, line, _too_deep(number), len(keys))

    return Table(name, "jsonl", headers, rows, encoding=chosen)


def records_table(records: Iterable[Mapping[str, object]]) -> Table:
    """Wrap an iterable of dicts as a :class:`Table` (see :func:`open_source`)."""
    iterator = iter(records)
    one_shot = iterator is records
    first = next(iterator, None)
    if first is None:
        raise SourceError("<records>", "no records given", code=ErrorCode.SOURCE_EMPTY)
    if not isinstance(first, Mapping):
        raise SourceError("<records>", f"expected dicts, got {type(first).__name__}")
    keys = tuple(first.keys())
    headers = clean_headers(str(k) for k in keys)
    used = [False]

    def rows() -> Iterator[SourceRow]:
        numbered: Iterable[tuple[int, object]]
        if not used[0]:
            used[0] = True
            numbered = itertools.chain([(1, first)], enumerate(iterator, start=2))
        elif one_shot:
            raise SourceError("<records>", "an iterator can be read only once: pass a list")
        else:
            numbered = enumerate(records, start=1)
        for number, record in numbered:
            if not isinstance(record, Mapping):
                raise SourceError("<records>", f"item {number} is not a dict")
            yield _record_row(number, record, keys)

    return Table("<records>", "records", headers, rows)
