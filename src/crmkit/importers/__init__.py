"""Bulk import, clean and export of contact spreadsheets.

Read CSV, XLSX, JSON lines or dicts (:func:`open_source`), map their columns
(:func:`map_columns`), normalize each row (:func:`normalize_row`), then clean a file
(:func:`clean_file`), import it into a store (:func:`import_file`, :func:`undo_import`),
look before leaping (:func:`preview`) and write contacts back out (:func:`export`). How a
file is read and cleaned is one :class:`CleanOptions` (holding its :class:`ReadOptions`),
the same for every one of these calls and for the command line.
"""

from ._clean import clean_file
from ._convert import row_to_contact
from ._date_columns import DateColumn
from ._import import import_file, undo_import
from ._locale import LocaleOptions
from ._mapping import ColumnMapping, ColumnRule, CustomFieldSource, HeaderMatch, map_columns
from ._options import CleanOptions, ReadOptions
from ._preview import ImportPlan, export, preview
from ._problems import Problem
from ._report import CleanReport, ImportReport, Progress, Rejection
from ._rows import RowResult, normalize_row
from ._sources import ReadLimits, SourceRow, Table, open_source

__all__ = [
    "CleanOptions",
    "CleanReport",
    "ColumnMapping",
    "ColumnRule",
    "CustomFieldSource",
    "DateColumn",
    "HeaderMatch",
    "ImportPlan",
    "ImportReport",
    "LocaleOptions",
    "Problem",
    "Progress",
    "ReadLimits",
    "ReadOptions",
    "Rejection",
    "RowResult",
    "SourceRow",
    "Table",
    "clean_file",
    "export",
    "import_file",
    "map_columns",
    "normalize_row",
    "open_source",
    "preview",
    "row_to_contact",
    "undo_import",
]
