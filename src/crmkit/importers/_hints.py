"""The region a row's own cells name: its country, its city, its e-mail's country domain.

When no region is given, these are the regions a national phone number of the row is read
in, in that order: ``312.668.3066`` with City = Chicago is a number of the US.

Countries are known by their ISO 3166 codes (``PK``, ``PAK``) and by their names in the
languages babel knows (``Pakistan``, ``پاکستان``, ``Allemagne``). Cities come from a data
file of major world cities (``data/cities.tsv``), in their own scripts too (``لاہور``,
``تهران``, ``القاهرة``); a city name that several countries share (Hyderabad, Springfield)
names none.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, lru_cache
from importlib.resources import files
from typing import Final

from babel import Locale
from babel.core import get_global
from babel.localedata import locale_identifiers

from crmkit.values import EmailAddress

from ._synonyms import header_key

__all__ = ["city_country", "country_code", "region_hints", "tld_region"]

_COUNTRY_TLDS: Final = {"uk": "GB"}
# the languages most country cells are written in, read before all the others
_COMMON: Final = (
    "ar", "de", "es", "fa", "fr", "hi", "id", "it", "ja", "ko", "nl", "pl", "ps", "pt", "ru",
    "sv", "tr", "uk", "ur", "zh",
)  # fmt: skip
# two-letter territory codes that are no country a phone number belongs to
_NOT_COUNTRIES: Final = frozenset({"EU", "EZ", "UN", "ZZ", "QO"})
# names people write that are not a country's name in any of babel's languages
_ALIASES: Final = {
    "usa": "US", "u.s.a.": "US", "u.s.": "US", "america": "US", "united states of america": "US",
    "uk": "GB", "u.k.": "GB", "great britain": "GB", "britain": "GB", "england": "GB",
    "scotland": "GB", "wales": "GB", "northern ireland": "GB", "holland": "NL",
    "persia": "IR", "uae": "AE", "u.a.e.": "AE", "ksa": "SA", "south korea": "KR",
    "korea": "KR", "russia": "RU", "turkey": "TR", "czech republic": "CZ",
}  # fmt: skip


def _key(text: str) -> str:
    # folded as headers are: "شيراز" typed with an Arabic yeh is "شیراز", "São Paulo" is
    # "Sao Paulo" and "SAO-PAULO"
    return header_key(text)


@cache
def _countries(everywhere: bool) -> dict[str, str]:
    """Country names, folded, to their codes: in the common languages, or in all of babel's."""
    names: dict[str, str] = {_key(alias): code for alias, code in _ALIASES.items()}
    for code, label in Locale.parse("en").territories.items():
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES:
            names.setdefault(_key(str(label)), code)
    # the English names and the aliases stand; a name that two other languages give to
    # different countries names neither
    settled = frozenset(names)
    clashes: set[str] = set()
    languages: tuple[str, ...] = _COMMON
    if everywhere:
        languages = tuple(sorted({name.split("_")[0] for name in locale_identifiers()}))
    for language in languages:
        for code, label in Locale.parse(language).territories.items():
            if len(code) != 2 or not code.isalpha() or code in _NOT_COUNTRIES:
                continue
            key = _key(str(label))
            if names.setdefault(key, code) != code and key not in settled:
                clashes.add(key)
    for key in clashes:
        del names[key]
    for alias, codes in get_global("territory_aliases").items():
        if len(alias) == 3 and alias.isalpha() and len(codes) == 1:
            names.setdefault(_key(alias), codes[0])
    return names


@cache
def _cities() -> dict[str, str | None]:
    """The data file's cities, folded, to their country (None when several share it)."""
    table: dict[str, str | None] = {}
    text = files("crmkit.importers").joinpath("data/cities.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, _, code = line.partition("\t")
        key = _key(name)
        table[key] = code.strip() if table.get(key, code.strip()) == code.strip() else None
    return table


@lru_cache(maxsize=4096)
def country_code(raw: str) -> str | None:
    """The ISO 3166 code a country cell names: a two- or three-letter code, or a name.

    >>> country_code("Pakistan"), country_code("پاکستان"), country_code("deu")
    ('PK', 'PK', 'DE')
    """
    text = raw.strip()
    if len(text) == 2 and text.isascii() and text.isalpha() and text.casefold() not in _ALIASES:
        return text.upper()
    key = _key(text)
    # the common languages' names first: reading every language's costs half a second
    return _countries(False).get(key) or _countries(True).get(key)


@lru_cache(maxsize=4096)
def city_country(raw: str) -> str | None:
    """The country a city cell names, when the city is known and only one country has it.

    >>> city_country("Chicago"), city_country("لاہور"), city_country("Hyderabad")
    ('US', 'PK', None)
    """
    return _cities().get(_key(raw))


def tld_region(email: str) -> str | None:
    """The region an e-mail address's country domain names (``.ir`` is IR), if any."""
    tld = email.rpartition(".")[2].lower()
    if len(tld) == 2 and tld.isalpha():
        return _COUNTRY_TLDS.get(tld, tld.upper())
    return None


def region_hints(
    country: str | None, city: str | None, emails: Sequence[EmailAddress]
) -> tuple[str, ...]:
    """The regions a row names, strongest first: its country, its city, its e-mail domains."""
    hints: list[str] = []
    for code in (
        country_code(country) if country else None,
        city_country(city) if city else None,
        *(tld_region(email.value) for email in emails),
    ):
        if code and code not in hints:
            hints.append(code)
    return tuple(hints)
