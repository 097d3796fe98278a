"""The reading options every command that reads a file takes, parsed and validated in one place.

``describe``, ``baselines``, ``train`` and ``backtest`` all call :func:`add_read_options` and
:func:`read_options_from`, so each takes the same ``--layout``, ``--id-column``, ``--time-column``,
``--label-column`` … as the Data page's reading options; the values go through
:class:`~rnnlab.data.read_options.ReadOptions`, whose one validator checks them as it checks a link's or a
stored run's. A bundled dataset keeps its catalog's options under the ones given.

Example::

    python -m rnnlab train readings.csv --label-column class_label --task classify --epochs 5
"""

from __future__ import annotations

import argparse
import dataclasses
import errno
import hashlib
from pathlib import Path
from typing import Any

from rnnlab.core.config import bounds_of
from rnnlab.data import catalog, reader
from rnnlab.data.dataset import SequenceDataset
from rnnlab.data.read_options import NO_LABEL, ReadOptions

__all__ = ["add_read_options", "read_options_from", "load", "dataset_ref"]

SWITCH = {"auto": None, "yes": True, "no": False}  # the words of an option that may be detected
SWITCHES = ("header", "trailing_zeros_as_padding")  # the options that take them
HELP = {  # one line per ReadOptions field (the field's type and limits come from its declaration)
    "layout": "long, wide or series (default auto: detected)",
    "id_column": "column holding the sequence id (long and wide files; default detected)",
    "time_column": "column giving the order of steps, or the time (default detected)",
    "label_column": f'label or per-step target column; "{NO_LABEL}": the file has no label (default detected)',
    "label_kind": "what the label holds: class or value (default decided from its values)",
    "feature_columns": "the columns to use as features (wide: the step columns; default every numeric one)",
    "keep_columns": "columns to keep as features although they look like row numbers or step counters",
    "one_hot": "text columns to one-hot encode as features instead of dropping them",
    "fill": "gaps inside a sequence: interpolate (default), ffill or drop",
    "header": "whether the first row is a header: auto (default), yes or no",
    "pad_value": "wide rows: trailing cells equal to this value are padding",
    "trailing_zeros_as_padding": "wide rows: trailing zeros are padding (yes), never (no), or auto (default)",
}


def add_read_options(parser: argparse.ArgumentParser) -> None:
    """Add the reading options (one per :class:`ReadOptions` field, named ``--layout``, ``--id-column`` …).

    Every option defaults to ``None``: not given, so the detection (or a bundled dataset's catalog) decides.

    Example:
        >>> p = argparse.ArgumentParser()
        >>> add_read_options(p)
        >>> read_options_from(p.parse_args(["--label-column", "class_label", "--one-hot", "city"])).to_dict()
        {'label_column': 'class_label', 'one_hot': ['city']}
    """
    group = parser.add_argument_group("reading options (as on the Data page; default: detected)")
    for name in (f.name for f in dataclasses.fields(ReadOptions)):
        flag, text, meta = "--" + name.replace("_", "-"), HELP[name], bounds_of(ReadOptions, name)
        if name in SWITCHES:
            group.add_argument(flag, dest=name, choices=tuple(SWITCH), help=text)
        elif "length" in meta:  # a list of columns
            group.add_argument(flag, dest=name, nargs="+", metavar="COL", help=text)
        elif name == "pad_value":
            group.add_argument(flag, dest=name, type=float, metavar="VALUE", help=text)
        elif "options" in meta:
            choices = (meta["none_as"], *meta["options"]) if "none_as" in meta else tuple(meta["options"])
            group.add_argument(flag, dest=name, choices=choices, help=text)
        else:
            group.add_argument(flag, dest=name, metavar="COL", help=text)


def read_options_from(args: argparse.Namespace) -> ReadOptions:
    """The :class:`ReadOptions` the command line gave (only the options given; the rest detected).

    Raises:
        ValueError: a value or a combination :class:`ReadOptions` does not take (Keras-style message).
    """
    given: dict[str, Any] = {}
    for name in HELP:
        value = getattr(args, name, None)
        if value is not None:
            given[name] = SWITCH[value] if name in SWITCHES else value
    return ReadOptions.from_dict(given)


def _keys() -> set[str]:
    return {e.key for e in catalog.list_datasets()}


def load(data: str, options: ReadOptions | None = None) -> tuple[SequenceDataset, str | None]:
    """A CSV file by path, or a bundled dataset by key (a file that exists wins), read with ``options``;
    with the catalog's suggested label or target (``None`` for a file).

    Raises:
        FileNotFoundError: ``data`` names a file (``mine.csv``, ``data/x``) that is not there.
        ValueError: ``data`` is neither, or the options do not fit the file (the message says which).
    """
    options = options or ReadOptions()
    path = Path(data)
    if path.is_file():
        return reader.read_csv(path, options, name=path.name), None
    if data in _keys():
        return catalog.load_dataset(data, options), catalog.get_entry(data).label
    if path.suffix or "/" in data or "\\" in data:  # a file's name (a key has neither): that file is missing
        raise FileNotFoundError(errno.ENOENT, "No such file", data)
    keys = ", ".join(e.key for e in catalog.list_datasets())
    raise ValueError(f"DATA must be a CSV file or a bundled dataset ({keys}). Received: {data!r}")


def dataset_ref(data: str, options: ReadOptions | None = None) -> dict:
    """How the store records the data: a bundled key, or a CSV file's name and content hash (as an upload),
    with the reading options given (the dict of :class:`ReadOptions`, as the dashboard keeps it).

    Example:
        >>> dataset_ref("ecg200", ReadOptions(fill="drop"))
        {'source': 'bundled', 'name': 'ecg200', 'read_options': {'fill': 'drop'}}
    """
    chosen = (options or ReadOptions()).to_dict()
    path = Path(data)
    if path.is_file():
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        return {"source": "upload", "name": path.name, "sha256": digest, "read_options": chosen}
    return {"source": "bundled", "name": data, "read_options": chosen}
