"""How to read a CSV, as one frozen, validated config: :class:`ReadOptions`, declared once.

Every reading option the Data page offers, the command line takes (``--layout``, ``--label-column`` …,
:mod:`rnnlab.cli.reading`), a link or a stored run carries, and :func:`rnnlab.data.reader.read_csv` applies,
is a field of :class:`ReadOptions`; the one validator of :mod:`rnnlab.core.config` checks it wherever it
comes from. Its dict keeps only what differs from the defaults, so the same file read the same way always
gives the same dict (it keys the server's caches and is stored with every run, as it was before the config)::

    >>> ReadOptions(layout="auto", fill="drop").to_dict()
    {'fill': 'drop'}
    >>> options = ReadOptions.from_dict({"label_column": NO_LABEL, "trailing_zeros_as_padding": "false"})
    >>> options.label_column, options.trailing_zeros_as_padding, options.fill
    ('(none)', False, 'interpolate')
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rnnlab.core.config import Config
from rnnlab.data.dataset import LAYOUTS
from rnnlab.data.gaps import FILLS  # gaps inside a sequence; the first is the default

NO_LABEL = "(none)"  # label_column=NO_LABEL: the file has no label; nothing is detected as one
LABEL_KINDS = ("class", "value")  # label_kind: force what the label holds
COLUMN: dict = {}  # a column's name: any text (checked against the file when it is read)
COLUMNS = {"length": (1, 10_000)}  # a list of column names
SOME_COLUMNS = {"length": (0, 10_000)}  # a list of column names, maybe empty
LAYOUT = {"options": LAYOUTS, "none_as": "auto"}  # "auto" is None: detected
ROLES = ("id_column", "time_column", "label_column")
LISTS = ("feature_columns", "keep_columns", "one_hot")

FILL_LABELS = {"interpolate": "linear interpolation", "ffill": "forward fill", "drop": "drop the step"}
PADDING = (None, True, False)  # wide rows' trailing run: found on its own, trailing zeros are padding, never
PADDING_LABELS = {None: "find it on its own", True: "trailing zeros are padding", False: "no padding"}


@dataclass(frozen=True)
class ReadOptions(Config):
    # one line per option: type, default and limits; None = the reader finds it on its own
    layout: str | None = field(default=None, metadata=LAYOUT)  # "long" | "wide" | "series"
    id_column: str | None = field(default=None, metadata=COLUMN)  # the sequence id (long, wide)
    time_column: str | None = field(default=None, metadata=COLUMN)  # the order of steps, or the time
    label_column: str | None = field(default=None, metadata=COLUMN)  # label / per-step target; NO_LABEL: none
    label_kind: str | None = field(default=None, metadata={"options": LABEL_KINDS})  # None: from the values
    feature_columns: tuple[str, ...] | None = field(default=None, metadata=COLUMNS)  # None: every numeric one
    keep_columns: tuple[str, ...] = field(default=(), metadata=SOME_COLUMNS)  # counters kept as features
    one_hot: tuple[str, ...] = field(default=(), metadata=SOME_COLUMNS)  # text columns one-hot encoded
    fill: str = field(default=FILLS[0], metadata={"options": FILLS})  # gaps inside a sequence
    header: bool | None = field(default=None, metadata={"none_as": "auto"})  # None: found on its own
    pad_value: float | None = None  # wide rows: trailing cells equal to this are padding
    trailing_zeros_as_padding: bool | None = None  # wide rows: True padding, False none, None: find out

    def check_together(self) -> None:
        for name in ROLES:
            if getattr(self, name) == "":
                raise ValueError(f"`{name}` must be a column's name, not empty. Received: {name}=''")
        for name in LISTS:
            items = getattr(self, name) or ()
            if "" in items:
                raise ValueError(f"`{name}` must hold columns' names, none empty. Received: {name}={items!r}")
            if len(set(items)) < len(items):
                raise ValueError(f"`{name}` must name each column once. Received: {name}={items!r}")
        roles = {name: getattr(self, name) for name in ROLES if getattr(self, name) is not None}
        if len(set(roles.values())) < len(roles):
            given = ", ".join(f"{k}={v!r}" for k, v in roles.items())
            raise ValueError(f"`id_column`, `time_column` and `label_column` must name different columns. "
                             f"Received: {given}")  # fmt: skip
        taken = {k: v for k, v in roles.items() if v in (self.feature_columns or ())}
        if taken:
            given = ", ".join(f"{k}={v!r}" for k, v in taken.items())
            raise ValueError("`feature_columns` must not name the id, time or label column. "
                             f"Received: feature_columns={self.feature_columns!r}, {given}")  # fmt: skip
        if self.pad_value is not None and self.trailing_zeros_as_padding is False:
            raise ValueError(
                "`pad_value` says which trailing cells of wide rows are padding and "
                "`trailing_zeros_as_padding=False` that there is none: give one or the other. "
                f"Received: pad_value={self.pad_value!r}, trailing_zeros_as_padding=False"
            )

    def to_dict(self) -> dict[str, Any]:
        """Only the options that differ from the defaults (``{}`` = read as detected); lists for tuples."""
        full = super().to_dict()
        return {f.name: full[f.name] for f in dataclasses.fields(self) if getattr(self, f.name) != f.default}

    def merged(self, other: ReadOptions) -> ReadOptions:
        """These options with every option ``other`` sets on top (a bundled file's own, then a person's).

        Raises:
            ValueError: the two together break a rule (e.g. the same column as id and label).

        Example:
            >>> ReadOptions(id_column="city", label_kind="value").merged(ReadOptions(fill="drop")).to_dict()
            {'id_column': 'city', 'label_kind': 'value', 'fill': 'drop'}
        """
        return ReadOptions.from_dict({**self.to_dict(), **other.to_dict()})


def as_read_options(
    options: ReadOptions | Mapping[str, Any] | None = None, /, **overrides: Any
) -> ReadOptions:
    """The :class:`ReadOptions` a caller holds: the config itself, its dict (a link's, a run's, the catalog's)
    or nothing, with keyword arguments (``fill="drop"``) on top; every one through the one validator.

    Raises:
        ValueError: not a dict, an unknown option (the message lists the known ones), or a bad value.

    Example:
        >>> as_read_options({"layout": "long"}, id_column="sequence_ID").to_dict()
        {'layout': 'long', 'id_column': 'sequence_ID'}
    """
    if options is None:
        base: dict[str, Any] = {}
    elif isinstance(options, ReadOptions):
        base = options.to_dict()
    elif isinstance(options, Mapping):
        base = dict(options)
    else:
        raise ValueError(f"Read options must be a dict. Received: {type(options).__name__}")
    if not overrides and isinstance(options, ReadOptions):
        return options
    return ReadOptions.from_dict({**base, **overrides})


def read_options(
    layout: str | None = None,
    id_column: str | None = None,
    time_column: str | None = None,
    label_column: str | None = None,
    fill: str = FILLS[0],
    one_hot: list[str] | tuple[str, ...] = (),
    trailing_zeros_as_padding: bool | None = None,
    keep_columns: list[str] | tuple[str, ...] = (),
) -> dict:
    """The Data page's choices as the dict of a :class:`ReadOptions` (only what differs from the defaults).

    Raises:
        ValueError: for a value :class:`ReadOptions` does not take.

    Example:
        >>> read_options(layout="auto", fill="drop", one_hot=[])
        {'fill': 'drop'}
    """
    return ReadOptions(layout, id_column, time_column, label_column, fill=fill, one_hot=tuple(one_hot),
                       trailing_zeros_as_padding=trailing_zeros_as_padding,
                       keep_columns=tuple(keep_columns)).to_dict()  # fmt: skip


def check_read_options(options: Any) -> dict:
    """Reading options from outside (a link, a stored setup; or a :class:`ReadOptions`) as their checked dict.

    Booleans come as real booleans or ``"true"``/``"false"``/``"1"``/``"0"`` (parsed); lists of columns
    come back as lists; nothing else is coerced; a default is left out.

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
    if isinstance(options, ReadOptions):
        return options.to_dict()
    if not isinstance(options, Mapping):
        raise ValueError(f"Read options must be a dict. Received: {type(options).__name__}")
    return ReadOptions.from_dict(dict(options)).to_dict()
