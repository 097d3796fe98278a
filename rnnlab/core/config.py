"""Frozen-dataclass configs that declare each field once and round-trip through dicts, JSON and URLs.

Every config in rnnlab (task, padding, model, training) subclasses :class:`Config`: a frozen dataclass
whose fields declare their type in the annotation and their limits in the field's metadata, read by
one validator (:func:`check_value`) wherever a config comes from — a widget, a share link, a JSON file,
the command line::

    epochs: int = field(default=20, metadata={"bounds": (1, 1000)})  # passes over the training split

Metadata keys (all optional):

- ``"bounds": (low, high)`` — inclusive limits of a number (or of each item of a tuple); ``None`` = open.
- ``"below": high`` — an exclusive upper limit instead (dropout and split shares lie in ``[0, 1)``).
- ``"options": (...)`` — the only values allowed.
- ``"length": (low, high)`` — how many items a tuple may hold.
- ``"pattern": "regex"`` — a string must match it in full.
- ``"none_as": "auto"`` — a text that also stands for ``None`` in an optional field (the reading options'
  ``layout="auto"``): it is kept as ``None``, so each setting has one spelling.

Python callers must pass real types (``True``, ``3``, ``0.5``). Values from outside go through
:meth:`Config.from_dict` (JSON files), :meth:`Config.from_token` (links), and are parsed strictly:
booleans as ``true``/``false`` (also ``"true"``, ``"false"``, ``"1"``, ``"0"``), integers that are not
booleans or floats, numbers that are finite, options from the fixed set, lists for tuples, dicts for
nested configs. Nothing is coerced silently: anything else raises ``ValueError`` naming the field and the
value received. Tuples become lists in JSON and tuples again in ``from_dict``, so
``from_dict(c.to_dict()) == c``.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import json
import math
import numbers
import re
import types
import typing
from typing import Any, TypeVar

C = TypeVar("C", bound="Config")
_BOOL_TEXT = {"true": True, "false": False, "1": True, "0": False}


def _is_config(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, Config)


def _split_optional(tp: Any) -> tuple[Any, bool]:
    """``int | None`` → ``(int, True)``; ``int`` → ``(int, False)``."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return args[0], len(args) < len(typing.get_args(tp))
    return tp, False


def _describe(tp: Any, meta: dict) -> str:
    """What a value must be, in words: ``an integer from 1 to 1000``, ``one of ('adam', 'sgd')``."""
    if "options" in meta:
        return f"one of {tuple(meta['options'])}"
    if tp is bool:
        return "True or False"
    if _is_config(tp):
        return f"a dict of {tp.__name__} settings"
    if typing.get_origin(tp) is tuple:
        item = _describe(typing.get_args(tp)[0], {k: v for k, v in meta.items() if k != "length"})
        low, high = meta.get("length", (0, None))
        count = (
            f"{low} to {high} items" if high is not None else (f"at least {low} items" if low else "items")
        )
        return f"a list of {count}, each {item}"
    what = {int: "an integer", float: "a finite number", str: "a string"}.get(
        tp, getattr(tp, "__name__", str(tp))
    )
    low, high = meta.get("bounds", (None, None))
    if "below" in meta:
        return f"{what} in [{low}, {meta['below']})"
    if low is not None and high is not None:
        return f"{what} from {low} to {high}"
    if low is not None:
        return f"{what} ≥ {low}"
    if high is not None:
        return f"{what} ≤ {high}"
    if "pattern" in meta:
        return (
            f"{what} like {meta['example']!r}" if "example" in meta else f"{what} matching {meta['pattern']}"
        )
    return what


def _fail(name: str, tp: Any, meta: dict, optional: bool, value: Any) -> ValueError:
    shown = value if not isinstance(value, str) or len(value) <= 80 else value[:80] + "…"
    none = f", {meta['none_as']!r} or None" if optional and "none_as" in meta else " or None"
    what = _describe(tp, meta) + (none if optional else "")
    return ValueError(f"`{name}` must be {what}. Received: {name}={shown!r}")


def _scalar(name: str, tp: Any, meta: dict, value: Any, outside: bool) -> Any:
    """One value checked against a scalar type and its limits; ``None`` when it does not fit."""
    if tp is bool:
        return _as_bool(value, outside)
    if tp is int:
        value = _as_int(value)
    elif tp is float:
        value = _as_float(value)
    elif tp is str:
        value = _as_str(value, meta)
    else:
        raise TypeError(f"A Config field's type must be bool, int, float, str, a tuple or a Config: {tp!r}")
    if value is None or not _within_limits(value, meta):
        return None
    return value


def _as_bool(value: Any, outside: bool) -> bool | None:
    """A boolean (from outside, also its text ``"true"``/``"false"``/``"1"``/``"0"``…), or ``None``."""
    if isinstance(value, bool):
        return value
    if outside and isinstance(value, str) and value.strip().lower() in _BOOL_TEXT:
        return _BOOL_TEXT[value.strip().lower()]
    return None


def _as_int(value: Any) -> int | None:
    """An integer that is not a boolean, as ``int``, or ``None``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        return None
    return int(value)


def _as_float(value: Any) -> float | None:
    """A finite real number that is not a boolean, as ``float``, or ``None``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    try:
        value = float(value)
    except OverflowError:
        return None
    return value if math.isfinite(value) else None


def _as_str(value: Any, meta: dict) -> str | None:
    """A string that matches the field's ``pattern`` in full (when it has one), or ``None``."""
    if not isinstance(value, str):
        return None
    if "pattern" in meta and not re.fullmatch(meta["pattern"], value):
        return None
    return value


def _within_limits(value: Any, meta: dict) -> bool:
    """Whether ``value`` is one of the field's ``options`` and within its ``bounds`` and ``below``."""
    if "options" in meta and value not in meta["options"]:
        return False
    low, high = meta.get("bounds", (None, None))
    if (low is not None and value < low) or (high is not None and value > high):
        return False
    return not ("below" in meta and not value < meta["below"])


def check_value(name: str, tp: Any, meta: dict, value: Any, *, outside: bool = False) -> Any:
    """The one validator: ``value`` checked (and, from outside, parsed) against the field's declaration.

    Args:
        name: The field's name (for the message).
        tp: Its annotation (``int``, ``float | None``, ``tuple[int, ...]``, a Config class …).
        meta: Its metadata (``bounds``, ``below``, ``options``, ``length``, ``pattern``, ``none_as``).
        value: What was given.
        outside: True for values from a link, a JSON file or the command line: booleans may then come as
            ``"true"``/``"false"``/``"1"``/``"0"`` and nested configs as dicts.

    Returns:
        The value in its declared type (a list becomes a tuple, an integer for a float field a float).

    Raises:
        ValueError: ``"`epochs` must be an integer from 1 to 1000. Received: epochs=0"``.

    Example:
        >>> check_value("fast", bool, {}, "false", outside=True)
        False
        >>> check_value("epochs", int, {"bounds": (1, 1000)}, True)
        Traceback (most recent call last):
        ...
        ValueError: `epochs` must be an integer from 1 to 1000. Received: epochs=True
    """
    tp, optional = _split_optional(tp)
    if optional and isinstance(value, str) and value == meta.get("none_as"):
        value = None
    if value is None:
        if optional:
            return None
        raise _fail(name, tp, meta, optional, value)
    if _is_config(tp):
        if isinstance(value, tp):
            return value
        if isinstance(value, dict):
            return tp.from_dict(value)
        raise _fail(name, tp, meta, optional, value)
    if typing.get_origin(tp) is tuple:
        checked = _tuple(name, tp, meta, value, outside)
        shown = tuple(value) if isinstance(value, (list, tuple)) else value  # a list is quoted as a tuple
    else:
        checked, shown = _scalar(name, tp, meta, value, outside), value
    if checked is None:
        raise _fail(name, tp, meta, optional, shown)
    return checked


def _tuple(name: str, tp: Any, meta: dict, value: Any, outside: bool) -> tuple | None:
    """A list or tuple whose items each fit the item type and whose length fits ``length``, as a tuple;
    ``None`` when it does not fit."""
    if not isinstance(value, (list, tuple)):
        return None
    items = [_scalar(name, typing.get_args(tp)[0], meta, v, outside) for v in value]
    low, high = meta.get("length", (0, None))
    if any(v is None for v in items) or len(items) < low or (high is not None and len(items) > high):
        return None
    return tuple(items)


def _declared(cls: type) -> tuple[tuple[str, Any, dict, bool], ...]:
    """``(name, annotation, metadata, required)`` of each field of a Config class, read once."""
    return _read_declared(cls)  # through a plain ``type``: mypy takes type[Config] for unhashable


@functools.cache
def _read_declared(cls: type) -> tuple[tuple[str, Any, dict, bool], ...]:
    hints = typing.get_type_hints(cls)
    return tuple(
        (
            f.name,
            hints[f.name],
            dict(f.metadata),
            f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
        )
        for f in dataclasses.fields(cls)
    )


def bounds_of(cls: type, name: str) -> dict:
    """A field's declared limits (its metadata), e.g. for a widget's ``min_value``/``max_value``.

    Example:
        >>> from dataclasses import dataclass, field
        >>> @dataclass(frozen=True)
        ... class Fit(Config):
        ...     epochs: int = field(default=20, metadata={"bounds": (1, 1000)})
        >>> bounds_of(Fit, "epochs")["bounds"]
        (1, 1000)
    """
    for field_name, _, meta, _ in _declared(cls):
        if field_name == name:
            return meta
    raise ValueError(f"`name` must be a field of {cls.__name__}. Received: name={name!r}")


class Config:
    """Mixin for frozen dataclass configs: one validator, ``to_dict``/``from_dict``, JSON, URL token.

    Subclasses declare their fields (type in the annotation, limits in the metadata) and may define
    :meth:`check_together` for rules that span fields (e.g. two shares that must sum below 1).
    """

    def __post_init__(self) -> None:
        for name, tp, meta, _ in _declared(type(self)):
            object.__setattr__(self, name, check_value(name, tp, meta, getattr(self, name)))
        self.check_together()

    def check_together(self) -> None:
        """Rules between fields (each field alone is already valid); raise ``ValueError``."""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]  # a mixin: every Config is a dataclass
            value = getattr(self, f.name)
            if isinstance(value, Config):
                value = value.to_dict()
            elif isinstance(value, tuple):
                value = [v.to_dict() if isinstance(v, Config) else v for v in value]
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls: type[C], data: object) -> C:
        """A config from a dict of JSON values (a link, a file, a stored run), parsed strictly; anything but a
        dict is refused.

        Raises:
            ValueError: not a dict, an unknown key (the message lists the known ones), a missing
                required field, or a value that does not fit its declaration.
        """
        if not isinstance(data, dict):
            raise ValueError(f"A {cls.__name__} must be given as a dict. Received: {type(data).__name__}")
        declared = _declared(cls)
        names = [name for name, *_ in declared]
        unknown = sorted(str(k)[:40] for k in data if k not in names)
        if unknown:
            raise ValueError(
                f"Unknown {cls.__name__} setting(s): {', '.join(unknown)}. Allowed: {', '.join(sorted(names))}"
            )
        kwargs = {}
        for name, tp, meta, required in declared:
            if name in data:
                kwargs[name] = check_value(name, tp, meta, data[name], outside=True)
            elif required:
                raise ValueError(f"`{name}` must be given for a {cls.__name__}. Received: no {name}")
        return cls(**kwargs)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_json(cls: type[C], text: str) -> C:
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as err:
            raise ValueError(f"A {cls.__name__} must be JSON. Received an error: {err}") from None
        return cls.from_dict(data)

    def to_token(self) -> str:
        """A compact URL-safe token (base64 of the JSON) for query parameters."""
        return base64.urlsafe_b64encode(self.to_json().encode()).decode().rstrip("=")

    @classmethod
    def from_token(cls: type[C], token: str) -> C:
        try:
            raw = base64.urlsafe_b64decode(str(token) + "=" * (-len(str(token)) % 4)).decode()
        except (ValueError, UnicodeDecodeError) as err:
            raise ValueError(f"The link's {cls.__name__} could not be read: {err}") from err
        try:
            return cls.from_json(raw)
        except ValueError as err:
            raise ValueError(f"The link's {cls.__name__} could not be read: {err}") from err

    def replace(self: C, **changes: Any) -> C:
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]  # as fields() above
