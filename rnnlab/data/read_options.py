"""Reader overrides as one plain dict: the Data page's choices, kept in a session, a share link or a run.

Only what differs from :func:`rnnlab.data.reader.read_csv`'s own defaults is kept, so the same file read
the same way always gives the same dict (it keys the server's caches and is stored with every run), and
``read_csv(data, **options)`` applies it. :func:`check_read_options` checks one that came from outside
(a share link, a stored setup) against the reader's option types.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rnnlab.core.config import check_value
from rnnlab.data.dataset import LAYOUTS  # "auto" / None: detected
from rnnlab.data.layouts import NO_LABEL as NO_LABEL  # label_column=NO_LABEL: no label, none detected
from rnnlab.data.reader import LABEL_KINDS

FILLS = ("interpolate", "ffill", "drop")  # gaps inside a sequence; the first is the reader's default
_COLUMN: tuple[Any, dict] = (str | None, {})
OPTION_TYPES: dict[str, tuple[Any, dict]] = {  # each keyword option of read_csv: (annotation, metadata)
    "layout": (str | None, {"options": (*LAYOUTS, "auto")}),
    "id_column": _COLUMN,
    "time_column": _COLUMN,
    "label_column": _COLUMN,
    "feature_columns": (tuple[str, ...] | None, {}),
    "step_column": _COLUMN,
    "header": (str | bool, {}),  # "auto", True or False: checked in check_read_options
    "pad_value": (float | None, {}),
    "trailing_zeros_as_padding": (bool | None, {}),  # None: found on its own
    "fill": (str, {"options": FILLS}),
    "one_hot": (tuple[str, ...], {}),
    "label_kind": (str | None, {"options": LABEL_KINDS}),
    "keep_columns": (tuple[str, ...], {}),
}
FILL_LABELS = {"interpolate": "linear interpolation", "ffill": "forward fill", "drop": "drop the step"}
PADDING = (None, True, False)  # wide rows' trailing run: found on its own, trailing zeros are padding, never
PADDING_LABELS = {None: "find it on its own", True: "trailing zeros are padding", False: "no padding"}


def read_options(
    layout: str | None = None,
    id_column: str | None = None,
    time_column: str | None = None,
    label_column: str | None = None,
    fill: str = "interpolate",
    one_hot: list[str] | tuple[str, ...] = (),
    trailing_zeros_as_padding: bool | None = None,
    keep_columns: list[str] | tuple[str, ...] = (),
) -> dict:
    """The overrides that differ from the reader's defaults (``None`` column = detect it).

    Args:
        layout: One of :data:`LAYOUTS`, or ``None``/``"auto"`` to detect it.
        id_column, time_column, label_column: Column roles; ``None`` detects them; ``label_column=NO_LABEL``
            (``"(none)"``) turns the label detection off.
        fill: One of :data:`FILLS`.
        one_hot: Non-numeric columns to one-hot encode.
        trailing_zeros_as_padding: Wide rows: ``True`` trailing zeros are padding, ``False`` no padding,
            ``None`` (the reader's default) padding found on its own.
        keep_columns: Columns to keep as features although they look like row numbers or step counters.

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
        "trailing_zeros_as_padding": None
        if trailing_zeros_as_padding is None
        else bool(trailing_zeros_as_padding),
        "keep_columns": list(keep_columns) or None,
    }
    return {k: v for k, v in chosen.items() if v is not None}


def check_read_options(options: Any) -> dict:
    """Reader options from outside (a link, a stored setup) checked key by key and value by value.

    Booleans come as real booleans or ``"true"``/``"false"``/``"1"``/``"0"`` (parsed); lists of columns
    come back as lists; nothing else is coerced.

    Raises:
        ValueError: not a dict, an unknown key, or a value of the wrong type (Keras-style message).

    Example:
        >>> check_read_options({"fill": "drop", "trailing_zeros_as_padding": "true"})
        {'fill': 'drop', 'trailing_zeros_as_padding': True}
        >>> check_read_options({"fill": 3})
        Traceback (most recent call last):
        ...
        ValueError: `fill` must be one of ('interpolate', 'ffill', 'drop'). Received: fill=3
    """
    if not isinstance(options, Mapping):
        raise ValueError(f"Read options must be a dict. Received: {type(options).__name__}")
    unknown = sorted(str(k)[:40] for k in options if k not in OPTION_TYPES)
    if unknown:
        raise ValueError(f"Unknown read option(s): {', '.join(unknown)}. Allowed: {', '.join(OPTION_TYPES)}")
    out = {}
    for name, value in options.items():
        if name == "header" and value != "auto":
            try:
                value = check_value(name, bool, {}, value, outside=True)
            except ValueError:
                raise ValueError(
                    f"`header` must be 'auto', True or False. Received: header={str(value)[:80]!r}"
                ) from None
        if name == "header":
            out[name] = value
            continue
        tp, meta = OPTION_TYPES[name]
        checked = check_value(name, tp, meta, value, outside=True)
        out[name] = list(checked) if isinstance(checked, tuple) else checked
    return out
