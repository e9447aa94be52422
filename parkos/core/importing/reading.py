"""Reading .xlsx and CSV files safely: streamed, bounded, with the CSV's encoding detected.

Every upload is held to `ImportLimits` (from settings, see docs/configuration.md):

1. its size, checked before a byte is parsed;
2. for a workbook, the zip's declared sizes — total uncompressed size and the compression ratio of
   each member — checked before openpyxl opens it (a zip bomb inflates a few MB into GBs); the XML
   itself is parsed through defusedxml (openpyxl uses it when installed), so entity tricks fail;
3. rows and columns while streaming: a non-blank cell beyond the column limit or a non-blank row
   beyond the row limit refuses the file, and so do too many blank rows (a sheet with a million
   formatted empty rows, or without a `<dimension>`, costs nothing before it is refused);
4. a time budget, checked as rows stream.

Workbooks are read row by row with openpyxl's worksheet parser (read-only mode), never padded to
the sheet's declared dimension: a cell at XFD1048576 does not make a million rows of 16,384 cells.
"""

from __future__ import annotations

import codecs
import csv
import io
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final, cast

from charset_normalizer import from_bytes
from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import DATA_TAG, DIMENSION_TAG, WorkSheetParser
from openpyxl.worksheet.dimensions import SheetDimension
from openpyxl.xml.functions import iterparse

from parkos.core.importing.cells import is_blank
from parkos.core.importing.errors import FileRejected

__all__ = ["Deadline", "ImportLimits", "Source", "TableFile", "detect_encoding"]

MB: Final = 1024 * 1024
#: The bytes of a CSV file looked at to detect its encoding.
DETECTION_WINDOW: Final = 64 * 1024
#: Encodings of CSV files from Chinese offices; GB18030 is the superset of GBK and GB2312.
_CANDIDATES: Final = ["utf_8", "gb18030", "big5", "utf_16"]
_CHINESE_GB: Final = frozenset({"gb18030", "gbk", "gb2312", "hz", "cp936"})
_BOMS: Final = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
EXCEL_SUFFIXES: Final = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class ImportLimits:
    """What one upload may cost. `from_settings()` reads the IMPORT_* settings."""

    max_bytes: int = 100 * MB
    max_rows: int = 250_000
    max_columns: int = 100
    max_uncompressed_bytes: int = 500 * MB
    max_zip_ratio: int = 100
    seconds: float = 60.0
    max_errors: int = 1000

    @classmethod
    def from_settings(cls, *, background: bool = False) -> ImportLimits:
        return cls(
            max_bytes=settings.IMPORT_MAX_UPLOAD_MB * MB,
            max_rows=settings.IMPORT_MAX_ROWS,
            max_columns=settings.IMPORT_MAX_COLUMNS,
            max_uncompressed_bytes=settings.IMPORT_MAX_UNCOMPRESSED_MB * MB,
            max_zip_ratio=settings.IMPORT_MAX_ZIP_RATIO,
            seconds=float(
                settings.IMPORT_JOB_TIME_BUDGET_SECONDS if background else settings.IMPORT_TIME_BUDGET_SECONDS
            ),
            max_errors=settings.IMPORT_MAX_REPORTED_ERRORS,
        )


class Deadline:
    """The time budget of one import, checked as rows stream and between batches."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.ends:
            raise FileRejected(
                _("导入超过了 %(s)d 秒的时间限制，已停止且未写入任何数据：请拆分文件，或交给后台导入。")
                % {"s": self.seconds}
            )


@dataclass(frozen=True)
class Source:
    """An uploaded or stored file: its name (for the type) and a way to open it from the start."""

    name: str
    size: int
    open: Callable[[], IO[bytes]]

    @property
    def is_excel(self) -> bool:
        return self.name.lower().endswith(EXCEL_SUFFIXES)

    @classmethod
    def from_path(cls, path: str | Path, name: str | None = None) -> Source:
        file = Path(path)
        return cls(name or file.name, file.stat().st_size, lambda: file.open("rb"))

    @classmethod
    def from_stream(cls, stream: IO[bytes], name: str, size: int | None = None) -> Source:
        def reopen() -> IO[bytes]:
            stream.seek(0)
            return cast("IO[bytes]", _Unclosable(stream))

        if size is None:
            stream.seek(0, io.SEEK_END)
            size = stream.tell()
        return cls(name, size, reopen)


class _Unclosable(io.BufferedIOBase):
    """A caller's stream lent to a reader that closes what it reads: closing leaves the stream open."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream

    def read(self, size: int | None = -1) -> bytes:
        return self._stream.read(-1 if size is None else size)

    def read1(self, size: int = -1) -> bytes:
        return self._stream.read(size)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._stream.seek(offset, whence)

    def tell(self) -> int:
        return self._stream.tell()


def _declared_size_only(ws: ReadOnlyWorksheet) -> None:
    """Read a sheet's <dimension> and stop where the rows begin.

    openpyxl's own version (`ReadOnlyWorksheet._get_size`, run for every sheet as the workbook
    opens) listens for the *end* of <sheetData> when there is no <dimension>, so it parses every
    row before the first is read: the whole of a million-row sheet, once per opening. Stopping at
    the *start* of <sheetData> keeps opening a workbook independent of its size.
    """
    with ws._get_source() as source:
        for _event, element in iterparse(source, events=("start",)):
            if element.tag == DIMENSION_TAG:
                ws._min_column, ws._min_row, ws._max_column, ws._max_row = SheetDimension.from_tree(element).boundaries
                return
            if element.tag == DATA_TAG:
                return


ReadOnlyWorksheet._get_size = _declared_size_only


# --- Checks before reading -----------------------------------------------------------------------


def check_size(size: int, limits: ImportLimits) -> None:
    """Before a byte is read: the upload's size within IMPORT_MAX_UPLOAD_MB, and not empty."""
    if size > limits.max_bytes:
        raise FileRejected(
            _("文件不能超过 %(max)d MB（当前 %(size).1f MB）。") % {"max": limits.max_bytes // MB, "size": size / MB}
        )
    if size == 0:
        raise FileRejected(_("文件是空的。"))


def check_zip(stream: IO[bytes], limits: ImportLimits) -> None:
    """Refuse a workbook whose members would inflate beyond the limits (a zip bomb)."""
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRejected(_("无法读取该文件：它不是有效的 Excel（.xlsx）工作簿。")) from exc
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > MB and ratio > limits.max_zip_ratio:
            raise FileRejected(
                _("文件被拒绝：其中“%(name)s”的压缩比达 %(ratio)d 倍，超过 %(max)d 倍的安全上限（疑似压缩炸弹）。")
                % {"name": member.filename, "ratio": ratio, "max": limits.max_zip_ratio}
            )
    if total > limits.max_uncompressed_bytes:
        raise FileRejected(
            _("文件被拒绝：解压后达 %(size)d MB，超过 %(max)d MB 的上限。")
            % {"size": total // MB, "max": limits.max_uncompressed_bytes // MB}
        )


# --- Workbooks -----------------------------------------------------------------------------------


def _worksheet_rows(ws: ReadOnlyWorksheet) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """(row number, cells by column) straight from the sheet's XML: no padding, no dimension needed."""
    workbook = ws.parent
    with ws._get_source() as source:
        parser = WorkSheetParser(
            source,
            ws._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        yield from parser.parse()


def _bounded_rows(
    title: str, rows: Iterator[tuple[int, list[tuple[int, object]]]], limits: ImportLimits, deadline: Deadline
) -> Iterator[tuple[int, tuple[object, ...]]]:
    """Non-blank rows as tuples of cells, refusing the file once it exceeds a limit."""
    blank_rows = 0
    for count, (number, cells) in enumerate(rows):
        if count % 512 == 0:
            deadline.check()
        filled = [(column, value) for column, value in cells if not is_blank(value)]
        if not filled:
            blank_rows += 1
            if blank_rows > limits.max_rows:
                raise FileRejected(
                    _("“%(sheet)s”含有超过 %(max)d 个空行（可能是整列设置了格式），请删除多余的空行后再导入。")
                    % {"sheet": title, "max": limits.max_rows}
                )
            continue
        if number > limits.max_rows + 1:
            raise FileRejected(_("“%(sheet)s”超过 %(max)d 行，请分批导入。") % {"sheet": title, "max": limits.max_rows})
        width = max(column for column, _value in filled)
        if width > limits.max_columns:
            raise FileRejected(
                _("“%(sheet)s”第 %(row)d 行超过 %(max)d 列，请删除多余的列。")
                % {"sheet": title, "row": number, "max": limits.max_columns}
            )
        values: list[object] = [None] * width
        for column, value in filled:
            values[column - 1] = value
        yield number, tuple(values)


# --- CSV -----------------------------------------------------------------------------------------


def detect_encoding(head: bytes, *, complete: bool = False) -> str:
    """The encoding of a CSV file from its first bytes: a BOM first, then UTF-8, then charset-normalizer.

    Unless `head` is the `complete` file, the window is cut at its last line break and a character
    cut at the window's end is not held against UTF-8: a multi-byte character straddling the window
    used to make a UTF-8 file read as GB18030.
    """
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    window = head
    if not complete and (cut := head.rfind(b"\n")) > 0:
        window = head[: cut + 1]
    try:
        codecs.getincrementaldecoder("utf-8")().decode(window, final=complete)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    best = from_bytes(window, cp_isolation=_CANDIDATES).best()
    if best is None:
        raise FileRejected(_("无法识别 CSV 文件的编码，请另存为“CSV UTF-8”或 GBK 编码后再导入。"))
    return "gb18030" if best.encoding in _CHINESE_GB else best.encoding


def _csv_cells(text: IO[str], encoding: str) -> Iterator[tuple[int, list[tuple[int, object]]]]:
    try:
        for number, row in enumerate(csv.reader(text), start=1):
            yield number, [(column, value) for column, value in enumerate(row, start=1)]
    except UnicodeDecodeError as exc:
        raise FileRejected(
            _("CSV 文件中有无法按 %(encoding)s 编码识别的字符，请另存为“CSV UTF-8”后再导入。")
            % {"encoding": encoding.upper()}
        ) from exc
    except csv.Error as exc:
        raise FileRejected(_("CSV 文件格式有误：%(error)s") % {"error": exc}) from exc


class TableFile:
    """An open upload: its sheet titles, and the rows of any sheet as often as asked (two passes).

    Use as a context manager; a CSV file is one sheet titled `csv_title`.
    """

    def __init__(self, source: Source, limits: ImportLimits, deadline: Deadline, *, csv_title: str = "") -> None:
        self.source = source
        self.limits = limits
        self.deadline = deadline
        self.csv_title = csv_title
        self._stream: IO[bytes] | None = None
        self._workbook: Workbook | None = None
        self.titles: list[str] = []

    def __enter__(self) -> TableFile:
        check_size(self.source.size, self.limits)
        name = self.source.name.lower()
        if name.endswith(".xls"):
            raise FileRejected(_("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后再导入。"))
        if self.source.is_excel:
            self._stream = self.source.open()
            check_zip(self._stream, self.limits)
            self._stream.seek(0)
            try:
                self._workbook = load_workbook(self._stream, read_only=True, data_only=True)
            except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
                self.__exit__()
                raise FileRejected(_("无法读取该文件：它不是有效的 Excel（.xlsx）工作簿。")) from exc
            self.titles = [ws.title for ws in self._workbook.worksheets if isinstance(ws, ReadOnlyWorksheet)]
        elif name.endswith(".csv"):
            self.titles = [self.csv_title]
        else:
            raise FileRejected(_("仅支持 .xlsx 或 .csv 文件。"))
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    def declared_rows(self) -> int:
        """Data rows the sheets declare in their <dimension> (a sheet without one counts 0: an estimate
        for the progress bar, never trusted for anything else)."""
        if self._workbook is None:
            return 0
        total = 0
        for title in self.titles:
            try:
                total += max(0, int(self._workbook[title].max_row or 0) - 1)
            except (TypeError, ValueError):
                continue
        return total

    def rows(self, title: str) -> Iterator[tuple[int, tuple[object, ...]]]:
        """The sheet's non-blank rows, (row number, cells), streamed within the limits."""
        if self._workbook is not None:
            ws = self._workbook[title]
            cells: Iterator[tuple[int, list[tuple[int, object]]]] = (
                (n, [(c["column"], c["value"]) for c in row]) for n, row in _worksheet_rows(ws)
            )
            yield from _bounded_rows(title, cells, self.limits, self.deadline)
            return
        with self.source.open() as stream:
            head = stream.read(DETECTION_WINDOW)
            encoding = detect_encoding(head, complete=len(head) < DETECTION_WINDOW)
            stream.seek(0)
            text = io.TextIOWrapper(stream, encoding=encoding, newline="")
            try:
                yield from _bounded_rows(title, _csv_cells(text, encoding), self.limits, self.deadline)
            finally:
                text.detach()
