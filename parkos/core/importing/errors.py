"""Problems found in a file, located as the person sees them in Excel: sheet, row, column."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["ErrorLog", "FileRejected", "RowError"]


class FileRejected(Exception):
    """The file as a whole cannot be imported (not a workbook, wrong encoding, too large, a zip bomb…).

    The message is in the user's language and is shown as is.
    """


@dataclass(frozen=True)
class RowError:
    """One problem: sheet title, row number as Excel shows it (the header is row 1; None for the file),
    column header ("" for the whole row) and the message in the user's language."""

    sheet: str
    row: int | None
    column: str
    message: str


@dataclass
class ErrorLog:
    """Every error counted, the first `keep` kept: a file with a million bad rows must not make a
    million-line page, report or table."""

    keep: int
    kept: list[RowError] = field(default_factory=list)
    count: int = 0

    def add(self, error: RowError) -> None:
        self.count += 1
        if len(self.kept) < self.keep:
            self.kept.append(error)

    def extend(self, errors: list[RowError]) -> None:
        for error in errors:
            self.add(error)

    @property
    def truncated(self) -> bool:
        return self.count > len(self.kept)

    def __bool__(self) -> bool:
        return self.count > 0
