"""The catalog of bundled datasets, read from ``sample_data/catalog.json``.

Adding a dataset means adding its file to ``sample_data/`` and one entry to
the catalog file; no code changes. Never imports TensorFlow.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from rnnlab.core import settings
from rnnlab.data import reader
from rnnlab.data.dataset import KINDS, LAYOUTS, DataError, SequenceDataset
from rnnlab.data.read_options import ReadOptions, as_read_options

CATALOG_FILE = "catalog.json"
_REQUIRED = ("key", "title", "description", "file", "layout", "task", "citation", "licence")


@dataclass(frozen=True)
class CatalogEntry:
    """One bundled dataset as the catalog describes it.

    Attributes:
        key: Short identifier (``"ecg5000"``), used on the command line and in URLs.
        title: Display title.
        description: One line saying what the data is.
        file: File name inside ``sample_data/``.
        layout: ``"long"``, ``"wide"`` or ``"series"``.
        task: Default task: ``"classify"``, ``"regress"``, ``"forecast"`` or ``"tag"``.
        label: Label/target column (for forecasts: the suggested target, which stays a feature), or ``None``.
        time: Time/step column, or ``None``.
        citation: How to cite the data.
        licence: Its licence.
        source: Where the file was taken from.
        read_options: How the file is read besides ``label`` and ``time``: the dict of a
            :class:`~rnnlab.data.read_options.ReadOptions` (checked when the catalog is read).
    """

    key: str
    title: str
    description: str
    file: str
    layout: str
    task: str
    label: str | None = None
    time: str | None = None
    citation: str = ""
    licence: str = ""
    source: str = ""
    read_options: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.layout not in LAYOUTS:
            raise ValueError(
                f"`layout` must be one of {LAYOUTS}. Received: layout={self.layout!r} ({self.key})"
            )
        if self.task not in KINDS:
            raise ValueError(f"`task` must be one of {KINDS}. Received: task={self.task!r} ({self.key})")
        try:
            self.reader_options()
        except ValueError as err:
            raise ValueError(f"Catalog entry {self.key!r} has bad read options: {err}") from None

    @property
    def path(self) -> Path:
        """Absolute path of the data file."""
        return settings.SAMPLE_DATA_DIR / self.file

    def reader_options(self) -> ReadOptions:
        """How :func:`~rnnlab.data.reader.read_csv` reads this entry's file (before a person's own options)."""
        options: dict[str, Any] = {}
        if self.time:
            options["time_column"] = self.time
        if (
            self.label and self.layout != "series" and self.task != "forecast"
        ):  # a forecast's label is its target
            options["label_column"] = self.label
        return ReadOptions.from_dict({**options, **self.read_options})


def parse_catalog(text: str) -> list[CatalogEntry]:
    """Parse catalog JSON text into entries.

    Args:
        text: JSON of the form ``{"datasets": [{"key": ..., ...}, ...]}``.

    Returns:
        The entries in file order.

    Raises:
        ValueError: when an entry misses a required field, has an unknown field or a duplicate key.
    """
    raw = json.loads(text)
    entries, seen = [], set()
    known = set(CatalogEntry.__dataclass_fields__)
    for i, item in enumerate(raw.get("datasets", [])):
        missing = [name for name in _REQUIRED if not item.get(name)]
        if missing:
            raise ValueError(f"Catalog entry {i} must have {', '.join(missing)}. Received: {sorted(item)}")
        unknown = sorted(set(item) - known)
        if unknown:
            raise ValueError(
                f"Catalog entry {item['key']!r} has unknown fields {unknown}; known: {sorted(known)}"
            )
        if item["key"] in seen:
            raise ValueError(f"Catalog keys must be unique. Received: {item['key']!r} twice")
        seen.add(item["key"])
        entries.append(CatalogEntry(**{**item, "read_options": dict(item.get("read_options") or {})}))
    return entries


@lru_cache(maxsize=4)
def _entries(path: str) -> tuple[CatalogEntry, ...]:
    return tuple(parse_catalog(Path(path).read_text(encoding="utf-8")))


def list_datasets() -> list[CatalogEntry]:
    """Every bundled dataset, in catalog order."""
    return list(_entries(str(settings.SAMPLE_DATA_DIR / CATALOG_FILE)))


def get_entry(key: str) -> CatalogEntry:
    """The catalog entry called ``key``.

    Raises:
        DataError: when no bundled dataset has that key (the message lists the keys).
    """
    for entry in list_datasets():
        if entry.key == key:
            return entry
    keys = ", ".join(e.key for e in list_datasets())
    raise DataError(f"`key` must name a bundled dataset ({keys}). Received: key={key!r}")


def load_dataset(
    key: str, options: ReadOptions | dict[str, Any] | None = None, **overrides: Any
) -> SequenceDataset:
    """Read a bundled dataset with its catalog options, and every option ``options`` (or a keyword) sets on top.

    Args:
        key: The catalog key.
        options: A person's reading options (a :class:`~rnnlab.data.read_options.ReadOptions` or its dict,
            as a run or a link keeps it); what they leave at the default keeps the catalog's choice.
        **overrides: Single options as keywords (``fill="drop"``), on top of ``options``.

    Example:
        >>> ds = load_dataset("three_cities")
        >>> ds.tensor_shape   # (n_sequences, n_observations, n_features)
        (3, 4, 3)

    Raises:
        ValueError: an option :class:`~rnnlab.data.read_options.ReadOptions` does not take.
        DataError: unknown key, or options the file cannot satisfy.
    """
    entry = get_entry(key)
    chosen = entry.reader_options().merged(as_read_options(options, **overrides))
    return reader.read_csv(entry.path, chosen, name=key)
