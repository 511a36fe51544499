"""How much a source may hold before crmkit refuses to read it.

A spreadsheet is a zip of XML parts, and a few kilobytes can claim (or unpack to) gigabytes:
a sheet that declares the whole grid, a shared string that inflates to 2 GB. The readers
check what a file claims and what it really holds against these limits before and while
reading, so memory stays bounded whatever the file says.
"""

from __future__ import annotations

from attrs import field, frozen

from crmkit.errors import ConfigError

__all__ = ["ReadLimits"]


def _positive(instance: object, attribute: object, value: object) -> None:
    name = getattr(attribute, "name", "limit")
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ConfigError(f"limits.{name}", f"expected a positive number, not {value!r}")


@frozen(kw_only=True)
class ReadLimits:
    """The limits a source is read within; past one, the source is a ``SourceError``.

    Attributes:
        max_cells: rows times columns of a sheet, as its ``<dimension>`` declares it, as
            its cells span it, and as they are read (10,000,000: a million rows of ten
            columns).
        max_unpacked_bytes: bytes of XML a workbook may unpack to, all parts together,
            counted while they are unpacked (1 GiB).
        max_ratio: how many times its packed size a part of over 1 MiB may unpack to (100;
            real workbooks stay under 30).
        max_entries: files inside a workbook (10,000).
        max_quoted_lines: lines one quoted CSV cell may run over before its opening quote
            is taken for a quote that is never closed (100).
    """

    max_cells: int = field(default=10_000_000, validator=_positive)
    max_unpacked_bytes: int = field(default=1 << 30, validator=_positive)
    max_ratio: float = field(default=100.0, validator=_positive)
    max_entries: int = field(default=10_000, validator=_positive)
    max_quoted_lines: int = field(default=100, validator=_positive)
