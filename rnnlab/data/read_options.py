"""Reader overrides as one plain dict: the Data page's choices, kept in a session, a share link or a run.

Only what differs from :func:`rnnlab.data.reader.read_csv`'s own defaults is kept, so the same file read
the same way always gives the same dict (it keys the server's caches and is stored with every run), and
``read_csv(data, **options)`` applies it.

Options that come from outside (a link, a saved run, the catalog) go through :func:`check` first: an unknown
one raised ``TypeError`` deep in the reader, and a wrong type failed somewhere inside pandas; :func:`check`
refuses both with the list of known options, so a hand-edited link gets one clear message.

Example:
    >>> check({"fill": "drop"})
    {'fill': 'drop'}
    >>> check({"colour": 1})
    Traceback (most recent call last):
    ...
    rnnlab.data.dataset.DataError: Unknown reader option(s): colour. Known: feature_columns, fill, header, id_column, label_column, label_kind, layout, one_hot, pad_value, step_column, time_column, trailing_zeros_as_padding. Received: {'colour': 1}
"""

from __future__ import annotations

import math
from typing import Any

from rnnlab.data.dataset import LAYOUTS, DataError  # LAYOUTS: "auto" / None: detected

FILLS = ("interpolate", "ffill", "drop")  # gaps inside a sequence; the first is the reader's default
FILL_LABELS = {"interpolate": "linear interpolation", "ffill": "forward fill", "drop": "drop the step"}


def read_options(
    layout: str | None = None,
    id_column: str | None = None,
    time_column: str | None = None,
    label_column: str | None = None,
    fill: str = "interpolate",
    one_hot: list[str] | tuple[str, ...] = (),
    trailing_zeros_as_padding: bool = False,
) -> dict:
    """The overrides that differ from the reader's defaults (``None`` column = detect it).

    Args:
        layout: One of :data:`LAYOUTS`, or ``None``/``"auto"`` to detect it.
        id_column, time_column, label_column: Column roles; ``None`` detects them.
        fill: One of :data:`FILLS`.
        one_hot: Non-numeric columns to one-hot encode.
        trailing_zeros_as_padding: Wide rows: trailing zeros are padding.

    Raises:
        ValueError: for a layout or fill outside the lists above.

    Example:
        >>> read_options(layout="auto", fill="drop", one_hot=[])
        {'fill': 'drop'}
    """
    layout = None if layout in (None, "auto") else layout
    if layout is not None and layout not in LAYOUTS:
        raise ValueError(f"`layout` must be one of {LAYOUTS} or 'auto'. Received: layout={layout!r}")
    if fill not in FILLS:
        raise ValueError(f"`fill` must be one of {FILLS}. Received: fill={fill!r}")
    chosen = {
        "layout": layout,
        "id_column": id_column,
        "time_column": time_column,
        "label_column": label_column,
        "fill": None if fill == FILLS[0] else fill,
        "one_hot": list(one_hot) or None,
        "trailing_zeros_as_padding": bool(trailing_zeros_as_padding) or None,
    }
    return {k: v for k, v in chosen.items() if v is not None}


COLUMN_OPTIONS = ("id_column", "time_column", "label_column", "step_column")
LIST_OPTIONS = ("feature_columns", "one_hot")
KNOWN = (*COLUMN_OPTIONS, *LIST_OPTIONS, "fill", "header", "label_kind", "layout", "pad_value",
         "trailing_zeros_as_padding")  # fmt: skip
MAX_NAME = 200  # characters of a column name
MAX_COLUMNS = 10_000  # names in a list option


def _fail(name: str, must: str, value: Any) -> DataError:
    return DataError(f"Reader option `{name}` must be {must}. Received: {name}={str(value)[:80]!r}")


def check(options: Any) -> dict[str, Any]:
    """``options`` if every key is a known reader option with a value of the right type, else ``DataError``."""
    if not isinstance(options, dict):
        raise DataError(f"Reader options must be a dict. Received: {type(options).__name__}")
    unknown = sorted(str(k)[:40] for k in options if k not in KNOWN)
    if unknown:
        raise DataError(
            f"Unknown reader option(s): {', '.join(unknown)}. Known: {', '.join(sorted(KNOWN))}. "
            f"Received: {str(dict(options))[:200]}"
        )
    for name, value in options.items():
        if name in COLUMN_OPTIONS and not (
            value is None or (isinstance(value, str) and len(value) <= MAX_NAME)
        ):
            raise _fail(name, "a column name or None", value)
        if name in LIST_OPTIONS and not (
            value is None
            or (isinstance(value, (list, tuple)) and len(value) <= MAX_COLUMNS
                and all(isinstance(v, str) and len(v) <= MAX_NAME for v in value))
        ):  # fmt: skip
            raise _fail(name, "a list of column names", value)
    checks = {
        "fill": (lambda v: v in FILLS, f"one of {FILLS}"),
        "header": (lambda v: v == "auto" or isinstance(v, bool), "'auto', true or false"),
        "label_kind": (lambda v: v in (None, "class", "value"), "'class', 'value' or None"),
        "layout": (lambda v: v in (None, "auto", *LAYOUTS), f"one of {LAYOUTS}, 'auto' or None"),
        "pad_value": (
            lambda v: (
                v is None or (isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v))
            ),
            "a finite number or None",
        ),
        "trailing_zeros_as_padding": (lambda v: isinstance(v, bool), "true or false"),
    }
    for name, (ok, must) in checks.items():
        if name in options and not ok(options[name]):
            raise _fail(name, must, options[name])
    return dict(options)
