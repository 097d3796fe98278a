"""Reader overrides as one plain dict: the Data page's choices, kept in a session, a share link or a run.

Only what differs from :func:`rnnlab.data.reader.read_csv`'s own defaults is kept, so the same file read
the same way always gives the same dict (it keys the server's caches and is stored with every run), and
``read_csv(data, **options)`` applies it.
"""

from __future__ import annotations

LAYOUTS = ("long", "wide", "series")  # "auto" / None: detected
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
