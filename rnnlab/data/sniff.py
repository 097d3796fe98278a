"""Turn the bytes people upload into a pandas table, or a DataError saying why not.

This module knows about files, not about sequences: size limit, gzip, binary
and spreadsheet content, UTF-16, UTF-8 (with or without BOM) or Latin-1,
the separator (``,`` ``;`` tab ``|``), a missing header row, header names (a logger's leading ``#``,
surrounding spaces and quotes), duplicate column names, missing-value spellings, and numbers as people
export them (:mod:`rnnlab.data.numbers`). :mod:`rnnlab.data.layouts` takes it from there.

It is a little over 300 lines on purpose: each step above is a few lines, and the order of the steps (size,
then compression, then encoding, then separator, then header) is the logic, best read in one file.
"""

from __future__ import annotations

import csv
import io
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from rnnlab.core import settings
from rnnlab.data import numbers
from rnnlab.data.dataset import DataError

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls / .doc
NA_VALUES = ["", "NA", "N/A", "n/a", "NaN", "nan", "NAN", "?", "null", "NULL", "None", "#N/A", "-nan", "-NaN"]
SEPARATORS = [",", ";", "\t", "|"]
MAX_COLUMNS = 20_000
LATIN1_NOTE = "The file is not UTF-8; it was read as Latin-1."
SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_CONTROL = (
    bytes(range(0, 32)).replace(b"\t", b"").replace(b"\n", b"").replace(b"\r", b"").replace(b"\x0c", b"")
)
_DECIMAL_COMMA = re.compile(r"(^|;)\s*-?(\d{1,3}(\.\d{3})+|\d+),\d+\s*(;|$)", re.M)  # 1,5 or 1.234,5
_PARSER_FIELDS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


@dataclass
class RawTable:
    """A parsed CSV before any sequence logic.

    Attributes:
        frame: The table, one column per CSV column (unique, stripped names).
        header: Whether the file had a header row.
        sep: The separator used.
        encoding: ``"utf-8"`` or ``"latin-1"``.
        first_line: File line number (1-based) of the first data row.
        notes: What was noticed on the way (encoding, separator, gzip, …).
    """

    frame: pd.DataFrame
    header: bool
    sep: str
    encoding: str
    first_line: int
    notes: list[str] = field(default_factory=list)

    def line_of(self, row: int) -> int:
        """File line number of data row ``row`` (0-based)."""
        return int(row) + self.first_line


def _mb(n_bytes: int) -> str:
    return f"{n_bytes / 1024 / 1024:.1f} MB"


def size_limit(source: bytes | str | Path) -> int:
    """``settings.max_upload_bytes()`` for uploads; the bundled datasets (in ``sample_data/``) are exempt."""
    if (
        isinstance(source, (str, Path))
        and "\n" not in str(source)  # a path, not the file's text
        and Path(source).resolve().is_relative_to(settings.SAMPLE_DATA_DIR.resolve())
    ):
        return BUNDLED_LIMIT
    return settings.max_upload_bytes()


BUNDLED_LIMIT = 1 << 40  # the bundled files are the project's own


def load_bytes(source: bytes | str | Path) -> bytes:
    """The raw bytes of ``source`` (bytes, a path, or CSV text containing a newline), size-checked.

    Raises:
        DataError: when the file is larger than ``settings.max_upload_bytes()``.
    """
    limit = size_limit(source)
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif isinstance(source, str) and "\n" in source:
        data = source.encode("utf-8")
    else:
        path = Path(source)
        size = path.stat().st_size
        if size > limit:
            raise DataError(f"A CSV file must be at most {_mb(limit)}. Received: {path.name} of {_mb(size)}")
        data = path.read_bytes()
    if len(data) > limit:
        raise DataError(f"A CSV file must be at most {_mb(limit)}. Received: a file of {_mb(len(data))}")
    return data


def check_content(data: bytes, notes: list[str], limit: int | None = None) -> bytes:
    """Decompress gzip and reject content that is not a text table.

    Raises:
        DataError: empty file, spreadsheet, UTF-16, binary content or a gzip file that does not unpack.
    """
    if data[:2] == GZIP_MAGIC:
        limit = limit or settings.max_upload_bytes()
        try:
            unpacked = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, limit + 1)
        except zlib.error as err:
            raise DataError(
                f"A .csv.gz file must be valid gzip. Received: a damaged gzip stream ({err})"
            ) from None
        if len(unpacked) > limit:
            raise DataError(
                f"A CSV file must be at most {_mb(limit)} once unzipped. Received: more than that"
            )
        data = unpacked
        notes.append("The file was gzip-compressed; it was unpacked before reading.")
    if not data[:65536].strip() and not data.strip():
        raise DataError("A CSV file must contain a header row and data rows. Received: an empty file")
    if data[:4] == ZIP_MAGIC or data[:4] == OLE_MAGIC:
        raise DataError(
            "A CSV file must be plain text. Received: a spreadsheet (Excel .xlsx/.xls) saved with a .csv "
            "name; open it in your spreadsheet program and use 'Save as… CSV'"
        )
    head = data[:4096]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or head.count(b"\x00") > len(head) // 4:
        raise DataError(
            "A CSV file must be encoded as UTF-8 or Latin-1. Received: UTF-16 text (byte-order mark or "
            "NUL bytes between characters); save it again as 'CSV UTF-8'"
        )
    control = sum(head.count(bytes([c])) for c in _CONTROL)
    if b"\x00" in data or control > max(2, len(head) // 100):
        raise DataError(
            "A CSV file must be text. Received: binary content (NUL or control bytes near the start); "
            "is this really a CSV file?"
        )
    return data


def detect_encoding(data: bytes, notes: list[str]) -> str:
    """``"utf-8"`` (``"utf-8-sig"`` with a BOM) when the first megabyte is UTF-8, else ``"latin-1"`` with a note.

    A non-UTF-8 byte further on is caught while parsing, which then falls back to Latin-1.
    """
    head = data[: 1 << 20]
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as err:
        if err.start < len(head) - 4:  # not just a character cut at the end of the slice
            notes.append(LATIN1_NOTE)
            return "latin-1"
    if data[:3] == b"\xef\xbb\xbf":
        notes.append("The file starts with a UTF-8 byte-order mark; it was ignored.")
        return "utf-8-sig"
    return "utf-8"


def _fields(line: str, sep: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=sep), [])
    except csv.Error:
        return line.split(sep)


def sniff_separator(lines: list[str]) -> str:
    """The separator that splits the first lines into the same, largest number of fields.

    Example:
        >>> sniff_separator(["a;b;c", "1;2;3"])
        ';'
    """
    best, best_score = ",", (0, 0)
    for sep in SEPARATORS:
        counts = [len(_fields(line, sep)) - 1 for line in lines]
        if not counts or min(counts) == 0:
            continue
        consistent = sum(c == counts[0] for c in counts)
        score = (consistent, counts[0])
        if score > best_score:
            best, best_score = sep, score
    return best


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return text.strip() in NA_VALUES and text.strip() != ""
    return True


def clean_name(raw: str, first: bool = False) -> str:
    """A header cell without byte-order mark, surrounding spaces and quotes, and (first column) a leading ``#``.

    Loggers start their header line with ``#`` (a comment mark); ``a, "b"`` leaves quotes after the comma.

    Example:
        >>> clean_name("#RSS_anchor1", first=True), clean_name(' "b" '), clean_name("# of items")
        ('RSS_anchor1', 'b', '# of items')
    """
    name = raw.replace("\ufeff", "").strip()
    while len(name) >= 2 and name[0] == name[-1] and name[0] in "\"'":
        name = name[1:-1].strip()
    if first and name.startswith("#"):
        name = name.lstrip("#").strip()
    return name


def _header_names(first: list[str], notes: list[str] | None = None) -> list[str]:
    names = [clean_name(raw, i == 0) or f"column_{i + 1}" for i, raw in enumerate(first)]
    marked = [
        (raw.strip(), name) for raw, name in zip(first, names) if raw.replace("\ufeff", "").strip() != name
    ]
    spaced = sum(raw.replace("\ufeff", "") != raw.replace("\ufeff", "").strip() for raw in first)
    if notes is not None and (marked or spaced):
        shown = ", ".join(f"{raw!r} → {name!r}" for raw, name in marked[:5] if raw)
        shown += f" and {len(marked) - 5} more" if len(marked) > 5 else ""
        spaces = f"surrounding spaces removed from {spaced} name{'s' if spaced > 1 else ''}" if spaced else ""
        notes.append(f"Column names were cleaned: {'; '.join(p for p in (shown, spaces) if p)}.")
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in seen:
            raise DataError(
                f"Column names must be unique. Received: {name!r} as column {seen[name] + 1} and column {i + 1}"
            )
        seen[name] = i
    return names


def read_table(source: bytes | str | Path, *, header: str | bool = "auto") -> RawTable:
    """Parse ``source`` into a :class:`RawTable`.

    Args:
        source: CSV bytes, a path, or CSV text.
        header: ``"auto"`` (a first row of only numbers is data), ``True`` or ``False``.

    Returns:
        The table with unique, stripped column names (``column_1`` … without a header).

    Raises:
        DataError: for every file that is not a readable, non-empty text table.
    """
    notes: list[str] = []
    data = check_content(load_bytes(source), notes, size_limit(source))
    encoding = detect_encoding(data, notes)
    lines = _first_lines(data, encoding)
    sep = sniff_separator(lines)
    if sep != ",":
        notes.append(f"Columns are separated by {SEPARATOR_NAMES[sep]}s.")
    decimal = "," if sep == ";" and _DECIMAL_COMMA.search("\n".join(lines[1:6])) else "."
    if decimal == ",":
        notes.append("Numbers use a decimal comma (1,5 = 1.5).")
    first = _fields(lines[0], sep)
    if len(first) > MAX_COLUMNS:
        raise DataError(
            f"A CSV file may have at most {MAX_COLUMNS:,} columns. Received: {len(first):,} on line 1"
        )
    has_header = header if isinstance(header, bool) else str(header).lower() not in ("false", "none", "no")
    if str(header).lower() == "auto":
        has_header = not all(_is_number(cell) for cell in first)
    if has_header:
        names = _header_names(first, notes)
    else:
        names = [f"column_{i + 1}" for i in range(len(first))]
        notes.append("The first row holds only numbers, so the file was read as having no header row.")
    options = {
        "sep": sep,
        "header": 0 if has_header else None,
        "names": names,
        "na_values": NA_VALUES,
        "decimal": decimal,
        "index_col": False,
        "engine": "c",
    }
    frame, encoding = _parse(data, encoding, options, notes)
    if len(frame) == 0:
        raise DataError(
            "A CSV file must have data rows below its header. Received: a header row only "
            f"(columns: {', '.join(names[:10])})"
        )
    frame = numbers.clean_numbers(frame, decimal, notes)
    return RawTable(frame, has_header, sep, encoding.replace("-sig", ""), 2 if has_header else 1, notes)


def _first_lines(data: bytes, encoding: str) -> list[str]:
    """Up to 30 non-blank first lines, whole (the last sampled line left out when it may be cut).

    Raises:
        DataError: the file holds only blank space.
    """
    size = max(65536, 3 * data.find(b"\n") + 1024)  # whole first lines even when they are very long
    sample = data[:size].decode(encoding, errors="ignore").lstrip("\ufeff")
    lines = [line.rstrip("\r") for line in sample.split("\n")[:30] if line.strip()]
    if not lines:
        raise DataError("A CSV file must contain a header row and data rows. Received: only blank space")
    if len(lines) > 1 and len(data) > size:
        lines = lines[:-1]  # the last sampled line may be cut
    return lines


def _parse(data: bytes, encoding: str, options: dict, notes: list[str]) -> tuple[pd.DataFrame, str]:
    """``(frame, encoding)``: pandas' parse of the bytes (again as Latin-1 when they are not the encoding).

    Raises:
        DataError: no rows, a row with more fields than columns (its line named), or any other malformed table.
    """
    try:
        try:
            return pd.read_csv(io.BytesIO(data), encoding=encoding, **options), encoding
        except UnicodeDecodeError:
            notes.append(LATIN1_NOTE)
            return pd.read_csv(io.BytesIO(data), encoding="latin-1", **options), "latin-1"
    except pd.errors.EmptyDataError:
        raise DataError("A CSV file must contain a header row and data rows. Received: no rows") from None
    except pd.errors.ParserError as err:
        match = _PARSER_FIELDS.search(str(err))
        if match:
            expected, line, saw = match.groups()
            raise DataError(
                f"Every row must have at most {expected} fields, one per column. Received: {saw} fields on "
                f"line {line}"
            ) from None
        raise DataError(f"The file must be a well-formed CSV table. Received: {err}") from None
    except (UnicodeDecodeError, ValueError, OverflowError, MemoryError) as err:
        raise DataError(f"The file must be a well-formed CSV table. Received: {err}") from None


def peek_columns(source: bytes | str | Path) -> list[str]:
    """The column names a file will be read with (header row or ``column_1`` …), without parsing the rows.

    Raises:
        DataError: the same content checks as :func:`read_table`.
    """
    notes: list[str] = []
    data = check_content(load_bytes(source), notes, size_limit(source))
    encoding = detect_encoding(data, notes)
    end = data.find(b"\n")
    head = data[: max(65536, 3 * end + 1024)].decode(encoding, errors="ignore").lstrip("\ufeff")
    lines = [line.rstrip("\r") for line in head.split("\n")[:30] if line.strip()]
    if not lines:
        return []
    first = _fields(lines[0], sniff_separator(lines))[:MAX_COLUMNS]
    if all(_is_number(cell) for cell in first):
        return [f"column_{i + 1}" for i in range(len(first))]
    return [clean_name(name, i == 0) or f"column_{i + 1}" for i, name in enumerate(first)]
