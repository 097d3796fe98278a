"""Numbers as people export them: thousands separators, decimal commas, currency and percent signs.

A spreadsheet saved as CSV writes ``"12,600"``, ``"$1,234.50"`` and ``"12.5%"``; a German one ``1.234,5``;
a French one ``1 234``. pandas leaves such columns as text. :func:`clean_numbers` reads a text column as
numbers when its values are numbers in one of these spellings, and says so in a note naming each
conversion. A column is read one way only, and the ambiguous case follows the file:

- ``1,5`` and ``2,25`` (a comma not followed by three digits) are decimals, never thousands;
- ``1,234`` alone is a decimal in a file whose decimal separator is a comma, thousands otherwise;
- ``0,904`` is a decimal (a grouped number never starts with 0);
- ``1.234,5`` (a dot, then a comma) is German thousands and decimal comma, ``1,234.5`` the English ones.

Only text columns are looked at, and only those whose first values look like numbers are scanned in
full, so a large file of plain numbers pays nothing.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

CURRENCY = "$€£¥₹"
_SPACES = " '\u2019\u00a0\u202f"  # thousands grouped by a space, an apostrophe (Swiss) or a no-break space
_SHAPE = re.compile(rf"^[-+\u2212]?\s*[{CURRENCY}]?\s*[-+\u2212]?\s*\d[\d.,{_SPACES}]*\s*[%{CURRENCY}]?$")
_PARTS = (
    rf"^(?P<sign>[-+\u2212]?)\s*(?P<before>[{CURRENCY}]?)\s*(?P<sign2>[-+\u2212]?)\s*"
    rf"(?P<body>\d[\d.,{_SPACES}]*?)\s*(?P<after>[%{CURRENCY}]?)$"
)
_GROUPED = rf"[1-9]\d{{0,2}}(?:[{_SPACES}]\d{{3}})+"  # a grouped number never starts with 0
STYLES = {  # body spellings each style accepts: (English) comma thousands, (German) dot thousands
    "point": rf"^(?:\d+|\d+\.\d+|[1-9]\d{{0,2}}(?:,\d{{3}})+(?:\.\d+)?|{_GROUPED}(?:\.\d+)?)$",
    "comma": rf"^(?:\d+|\d+,\d+|[1-9]\d{{0,2}}(?:\.\d{{3}})+(?:,\d+)?|{_GROUPED}(?:,\d+)?)$",
}
SAMPLE = 200  # values looked at before a column is scanned in full


def _strings(column: pd.Series) -> pd.Series:
    return column.dropna().astype(str).str.strip()


def _looks_numeric(column: pd.Series) -> bool:
    """Most of the first non-empty values are numbers in some exported spelling."""
    head = column.iloc[: 20 * SAMPLE].dropna()
    head = (head if len(head) else column.dropna()).iloc[:SAMPLE].astype(str)
    if head.empty:
        return False
    matches = sum(bool(_SHAPE.match(v.strip())) for v in head)
    return matches * 2 > len(head) and any(not _plain(v) for v in head)


def _plain(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _style(bodies: pd.Series, decimal: str) -> str | None:
    """``"point"`` or ``"comma"``: the one decimal separator every body can be read with (file's on a tie)."""
    fits = [name for name, pattern in STYLES.items() if bodies.str.fullmatch(pattern).all()]
    if len(fits) == 2:
        return "comma" if decimal == "," else "point"
    return fits[0] if fits else None


def _what(parts: pd.Series | pd.DataFrame, style: str) -> list[str]:
    """The conversions applied, in words."""
    body = parts["body"]
    grouping = "," if style == "point" else "."
    what = []
    if body.str.contains("[" + re.escape(grouping) + _SPACES + "]", regex=True).any():
        marks = sorted(set("".join(body.str.replace(r"[\d.,]", "", regex=True))) - {""})
        seps = [repr(grouping)] if body.str.contains(re.escape(grouping), regex=True).any() else []
        seps += ["space" if m == " " else "no-break space" if m in "\u00a0\u202f" else repr(m) for m in marks]
        what.append(f"thousands separators ({', '.join(dict.fromkeys(seps))}) removed")
    if style == "comma" and body.str.contains(",", regex=False).any():
        what.append("decimal commas read as points")
    symbols = sorted(set("".join(parts["before"]) + "".join(parts["after"])) - {"%"})
    if symbols:
        what.append(f"currency sign{'s' if len(symbols) > 1 else ''} {' '.join(symbols)} removed")
    if parts["after"].eq("%").any():
        what.append("percent signs removed (12.5% is read as 12.5)")
    if (parts["sign"] + parts["sign2"]).str.contains("\u2212", regex=False).any():
        what.append("'−' read as a minus sign")
    return what


def _convert(parts: pd.DataFrame, style: str) -> pd.Series:
    grouping = "," if style == "point" else "."
    body = parts["body"].str.replace("[" + re.escape(grouping) + _SPACES + "]", "", regex=True)
    if style == "comma":
        body = body.str.replace(",", ".", regex=False)
    values = pd.to_numeric(body, errors="coerce").astype(np.float64)
    negative = (parts["sign"] + parts["sign2"]).str.contains("[-\u2212]", regex=True)
    return values.where(~negative, -values)


def clean_column(column: pd.Series, decimal: str = ".") -> tuple[pd.Series, list[str]] | None:
    """The column read as numbers and the conversions made, or ``None`` when it is not exported numbers.

    When most values are numbers and a few are not (``12a``), the numbers are converted and the others
    kept as they are, so the reader's error names the value at fault.

    Args:
        column: A text column.
        decimal: The file's decimal separator (``"."`` or ``","``), deciding ``1,234`` alone.

    Example:
        >>> values, what = clean_column(pd.Series(["12,600", "$1,234.50", "7"]))
        >>> values.tolist(), what
        ([12600.0, 1234.5, 7.0], ["thousands separators (',') removed", 'currency sign $ removed'])
        >>> clean_column(pd.Series(["1,5", "2,25"]))[0].tolist()
        [1.5, 2.25]
    """
    if pd.api.types.is_numeric_dtype(column.dtype) or pd.api.types.is_datetime64_any_dtype(column.dtype):
        return None
    if not _looks_numeric(column):
        return None
    text = _strings(column)
    parts = text.str.extract(_PARTS).fillna("")
    matched = text.str.fullmatch(_PARTS)
    if matched.sum() * 2 <= len(text):
        return None
    style = _style(parts["body"][matched], decimal)
    if style is None:
        return None
    numbers = _convert(parts[matched], style)
    what = _what(parts[matched], style)
    if matched.all():
        out = pd.Series(np.nan, index=column.index, dtype=np.float64, name=column.name)
        out[numbers.index] = numbers
        return out, what
    out = column.astype(object)
    out[numbers.index] = numbers.astype(object)
    return out, what


def clean_numbers(frame: pd.DataFrame, decimal: str, notes: list[str]) -> pd.DataFrame:
    """``frame`` with every text column of exported numbers read as numbers, one note per column.

    Example:
        >>> notes = []
        >>> df = clean_numbers(pd.DataFrame({"rate": ["12.5%", "3%"], "who": ["a", "b"]}), ".", notes)
        >>> df["rate"].tolist(), notes
        ([12.5, 3.0], ["Column 'rate' was read as numbers: percent signs removed (12.5% is read as 12.5) ('12.5%' → 12.5)."])
    """  # noqa: E501
    changed = {}
    for name in frame.columns:
        result = clean_column(frame[name], decimal)
        if result is None:
            continue
        values, what = result
        changed[name] = values
        first = _first_changed(frame[name], values)
        example = f" ({frame[name].loc[first]!r} → {values.loc[first]:g})" if first is not None else ""
        notes.append(f"Column {name!r} was read as numbers: {'; '.join(what) or 'spaces removed'}{example}.")
    if not changed:
        return frame
    frame = frame.copy()
    for name, values in changed.items():
        frame[name] = values
    return frame


def _first_changed(raw: pd.Series, values: pd.Series):
    """Index of the first cell whose text is not already a plain number, else ``None``."""
    for index, text in raw.dropna().iloc[:SAMPLE].items():
        if not _plain(str(text)) and isinstance(values.loc[index], float) and not np.isnan(values.loc[index]):
            return index
    return None
