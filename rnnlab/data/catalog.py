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
from rnnlab.data import read_options, reader
from rnnlab.data.dataset import KINDS, LAYOUTS, DataError, SequenceDataset

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
        read_options: Extra keyword arguments for :func:`rnnlab.data.reader.read_csv`.
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

    @property
    def path(self) -> Path:
        """Absolute path of the data file."""
        return settings.SAMPLE_DATA_DIR / self.file

    def reader_options(self) -> dict[str, Any]:
        """The keyword arguments :func:`~rnnlab.data.reader.read_csv` gets for this entry."""
        options: dict[str, Any] = {}
        if self.time:
            options["time_column"] = self.time
        if (
            self.label and self.layout != "series" and self.task != "forecast"
        ):  # a forecast's label is its target
            options["label_column"] = self.label
        options.update(self.read_options)
        return options


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


def load_dataset(key: str, **overrides: Any) -> SequenceDataset:
    """Read a bundled dataset with its catalog options, overridden by ``overrides``.

    Example:
        >>> ds = load_dataset("three_cities")
        >>> ds.tensor_shape   # (n_sequences, n_observations, n_features)
        (3, 4, 3)

    Raises:
        DataError: unknown key, or options the file cannot satisfy.
    """
    entry = get_entry(key)
    options = entry.reader_options()
    options.update({k: v for k, v in read_options.check_read_options(overrides).items() if v is not None})
    return reader.read_csv(entry.path, name=key, **options)
