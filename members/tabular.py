"""Reading the spreadsheets people bring (CSV or XLSX) as a header and data rows.

Shared by the imports of every app (the registry here, the resource map in
``resources``): what a file looks like on arrival does not depend on what it holds.
Associations save CSV from Excel or LibreOffice in UTF-8 (with or without a byte order
mark) or in the Windows code page, with "," or, in Italy, ";" between the cells; XLSX
files are read with openpyxl in read-only mode, one row at a time. Every limit (bytes,
rows, the size of an XLSX once unpacked) is checked before the rows pile up in memory,
and every problem is a ``TableFileError`` with a message for the person.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any, Protocol

from django.utils import timezone
from django.utils.translation import gettext as _

#: An XLSX is a zip: its sheets, unpacked, may be this many times the file's size at
#: most (real workbooks are 5-10 times; a "zip bomb" is thousands).
MAX_UNPACKED_RATIO = 30
#: Columns beyond this are not read: no spreadsheet of people or services has them.
MAX_COLUMNS = 200


class TableFileError(Exception):
    """The file cannot be read as a table: the message says why, for the person."""


@dataclass(frozen=True)
class SheetRow:
    """A data row of the file: ``number`` is the row as the person sees it in their
    spreadsheet (the header is row 1)."""

    number: int
    values: dict[str, str]


def read_table(
    file: IO[bytes], filename: str, *, max_bytes: int, max_rows: int
) -> tuple[list[str], list[SheetRow]]:
    """The header and the data rows of a CSV or XLSX file. Blank rows are left out (they
    keep their numbers for the next ones). Raises TableFileError with a message for
    the person when the file is not a table we can read or is over a limit."""
    name = (filename or "").lower()
    if name.endswith(".csv"):
        table = csv_table(read_limited(file, max_bytes=max_bytes))
    elif name.endswith(".xlsx"):
        table = xlsx_table(read_limited(file, max_bytes=max_bytes), max_bytes=max_bytes)
    else:
        raise TableFileError(_("The file must be a spreadsheet saved as CSV or XLSX."))

    headers: list[str] = []
    rows: list[SheetRow] = []
    try:
        for number, cells in enumerate(table, start=1):
            cells = cells[:MAX_COLUMNS]
            if not headers:
                if not any(cells):
                    raise TableFileError(_("The first row must hold the column names."))
                headers = unique_headers(cells)
                continue
            if not any(cells):
                continue
            if len(rows) >= max_rows:
                raise TableFileError(
                    _("The file has more than %(max)s rows: split it into smaller files.")
                    % {"max": f"{max_rows:,}".replace(",", ".")}
                )
            cells = list(cells) + [""] * (len(headers) - len(cells))
            rows.append(SheetRow(number, dict(zip(headers, cells, strict=False))))
    finally:
        close = getattr(table, "close", None)
        if close is not None:
            close()  # an XLSX generator closes its workbook
    if not headers or not rows:
        raise TableFileError(_("The file is empty: it has no rows to import."))
    return headers, rows


def read_limited(file: IO[bytes], *, max_bytes: int) -> bytes:
    """The file's bytes, refused when over ``max_bytes`` or blank."""
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise TableFileError(
            _("The file is larger than %(max)s MB.") % {"max": _megabytes(max_bytes)}
        )
    if not data.strip():
        raise TableFileError(_("The file is empty: it has no rows to import."))
    return data


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.2f}".rstrip("0").rstrip(".")


def decode_text(data: bytes) -> str:
    """UTF-8 (a byte order mark is dropped), else the Windows code page Excel uses in
    Italy, else Latin-1, which reads any byte: a file is never refused for its accents."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def csv_table(data: bytes) -> list[list[str]]:
    text = decode_text(data)
    if "\x00" in text:
        raise TableFileError(_("This does not look like a CSV file: save it again as CSV."))
    # Italian spreadsheets save CSV with ";" (the comma is the decimal separator): the
    # header's most frequent separator is the file's.
    first_line = re.sub(r'"[^"]*"', "", text.split("\n", 1)[0])
    delimiter = max(";,\t|", key=first_line.count)
    try:
        return [
            [c.strip() for c in row]
            for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        ]
    except csv.Error as error:
        raise TableFileError(_("The CSV file is malformed: %(error)s") % {"error": error}) from None


def xlsx_table(data: bytes, *, max_bytes: int) -> Iterator[list[str]]:
    """The rows of the first sheet, one at a time (read-only mode: the sheet is never
    held whole in memory). Cells with formulas give the value Excel last computed."""
    from openpyxl import load_workbook

    not_xlsx = _("This does not look like an Excel (XLSX) file: open it and save it again.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise TableFileError(not_xlsx) from None
    if unpacked > MAX_UNPACKED_RATIO * max(max_bytes, len(data)):
        raise TableFileError(
            _("The file is larger than %(max)s MB.") % {"max": _megabytes(max_bytes)}
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        # A damaged workbook fails anywhere in openpyxl and its XML parser (ParseError,
        # KeyError, ValueError…): to the person it is one thing, a file to save again.
        raise TableFileError(not_xlsx) from None
    return _sheet_rows(workbook, not_xlsx)


def _sheet_rows(workbook, not_xlsx: str) -> Iterator[list[str]]:
    try:
        if not workbook.worksheets:
            raise TableFileError(not_xlsx)
        sheet = workbook.worksheets[0]
        try:
            for row in sheet.iter_rows(values_only=True):
                yield [cell_text(value) for value in row[:MAX_COLUMNS]]
        except TableFileError:
            raise
        except Exception:
            # As when loading: a damaged sheet fails in the XML parser or in openpyxl.
            raise TableFileError(not_xlsx) from None
    finally:
        workbook.close()


def cell_text(value: Any) -> str:
    """An XLSX cell as the person reads it: 3331234567 (a number) as "3331234567", not
    "3331234567.0"; a date as ISO 8601."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def unique_headers(cells: Iterable[str]) -> list[str]:
    """Column names, each unique: a blank one is named by its position, a repeated one
    gets " (2)"."""
    headers: list[str] = []
    for index, cell in enumerate(cells, start=1):
        header = cell.strip() or _("column %(n)s") % {"n": index}
        base, n = header, 2
        while header in headers:
            header, n = f"{base} ({n})", n + 1
        headers.append(header)
    return headers


#: A cell starting with one of these is a formula to a spreadsheet (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value) -> str:
    """A value as the text of an exported cell (CSV), neutralised with a leading
    apostrophe if a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    elif isinstance(value, date):
        value = value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def looks_like_formula(value: str) -> bool:
    """A cell that a spreadsheet would run as a formula if it were exported again (CSV
    injection): imports refuse to store it as a value."""
    return value.startswith(("=", "@"))


# --- Column names ------------------------------------------------------------------------


def normalize_header(text: str) -> str:
    """ "Città di residenza" → "citta di residenza": lower case, no accents, words
    separated by single spaces."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(re.findall(r"[a-z0-9]+", text))


class GuessableField(Protocol):
    key: str
    aliases: tuple[str, ...]


def guess_mapping(headers: list[str], fields: Iterable[GuessableField]) -> dict[str, str]:
    """Our field → the column of the file it most likely is, from the header names.
    ``aliases`` are header names already normalised (``normalize_header``).

    An exact alias beats an alias found as whole words in a longer header ("Nome del
    servizio"), and a longer alias beats a shorter one; each column serves one field."""
    fields = list(fields)
    candidates: list[tuple[int, int, str, str]] = []
    for position, header in enumerate(headers):
        normalized = normalize_header(header)
        padded = f" {normalized} "
        for f in fields:
            best = 0
            for alias in f.aliases:
                if normalized == alias:
                    best = max(best, 1000)
                elif f" {alias} " in padded:
                    best = max(best, len(alias))
            if best:
                candidates.append((best, -position, f.key, header))
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for _score, _position, key, header in sorted(candidates, reverse=True):
        if key not in mapping and header not in taken:
            mapping[key] = header
            taken.add(header)
    return {f.key: mapping[f.key] for f in fields if f.key in mapping}
