"""One framework for every tabular import (.xlsx and CSV) — see "Import framework" in docs/development.md.

An app states its tables once (`TableSpec` of `Column`s, with units and examples) and writes a
`TableImporter` whose `apply` maps valid rows to its services; the framework reads the file safely
(limits, encodings, zip bombs), matches headers and units, parses cells into typed rows, reports errors
by sheet, row and column, runs all-or-nothing / valid-rows / dry-run imports, generates the template
and the error report, and runs large files as background jobs (`parkos.core.importing.jobs`).

This package is part of the base layer: it imports Django and libraries only.
"""

from parkos.core.importing.cells import (
    AREA,
    MONEY,
    Boolean,
    CellError,
    Choice,
    Date,
    Fixed,
    Integer,
    Number,
    Quantity,
    Text,
    Validated,
    cell_text,
    normalise,
    zh,
)
from parkos.core.importing.errors import FileRejected, RowError
from parkos.core.importing.reading import ImportLimits, Source, detect_encoding
from parkos.core.importing.running import (
    Counts,
    ImportContext,
    ImportMode,
    ImportOutcome,
    TableImporter,
    run_import,
)
from parkos.core.importing.spec import Column, HeaderMap, RejectedRow, Row, TableSpec, WorkbookSpec
from parkos.core.importing.workbooks import csv_template, error_list_columns, template_workbook

__all__ = [
    "AREA",
    "MONEY",
    "Boolean",
    "CellError",
    "Choice",
    "Column",
    "Counts",
    "Date",
    "FileRejected",
    "Fixed",
    "HeaderMap",
    "ImportContext",
    "ImportLimits",
    "ImportMode",
    "ImportOutcome",
    "Integer",
    "Number",
    "Quantity",
    "RejectedRow",
    "Row",
    "RowError",
    "Source",
    "TableImporter",
    "TableSpec",
    "Text",
    "Validated",
    "WorkbookSpec",
    "cell_text",
    "csv_template",
    "detect_encoding",
    "error_list_columns",
    "normalise",
    "run_import",
    "template_workbook",
    "zh",
]
