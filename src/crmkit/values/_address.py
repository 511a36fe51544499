"""Postal addresses."""

from __future__ import annotations

from attrs import field, frozen

__all__ = ["Address"]


@frozen(kw_only=True)
class Address:
    """A postal address; every part is optional text, *country* an ISO 3166 code when known."""

    lines: tuple[str, ...] = field(default=(), converter=tuple)
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""
    label: str = "work"

    def is_blank(self) -> bool:
        """Return True when no part of the address is filled in."""
        return not (any(self.lines) or self.city or self.region or self.postal_code or self.country)
