"""Frozen-dataclass configs that round-trip through plain dicts, JSON and URLs.

Every config in rnnlab (task, padding, model, training) subclasses
:class:`Config`: a frozen dataclass validated in ``__post_init__`` that turns
into a plain dict of JSON types and back. Tuples become lists in JSON and are
turned back into tuples by ``from_dict`` so that ``from_dict(c.to_dict()) == c``.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import typing
from typing import Any, TypeVar

C = TypeVar("C", bound="Config")


def _revive(tp: Any, value: Any) -> Any:
    """Turn a JSON value back into the annotated type (tuples, nested configs)."""
    if value is None:
        return None
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Union or str(origin) == "<class 'types.UnionType'>":
        non_none = [a for a in args if a is not type(None)]
        for arg in non_none:
            try:
                return _revive(arg, value)
            except (TypeError, ValueError):
                continue
        return value
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_revive(args[0], v) for v in value)
        return tuple(_revive(a, v) for a, v in zip(args, value))
    if isinstance(tp, type) and issubclass(tp, Config):
        return tp.from_dict(value)
    if tp is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


class Config:
    """Mixin for frozen dataclass configs: ``to_dict``/``from_dict``, JSON, URL token."""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if isinstance(value, Config):
                value = value.to_dict()
            elif isinstance(value, tuple):
                value = [v.to_dict() if isinstance(v, Config) else v for v in value]
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls: type[C], data: dict[str, Any]) -> C:
        if not isinstance(data, dict):
            raise ValueError(f"A {cls.__name__} must be given as a dict. Received: {type(data).__name__}")
        hints = typing.get_type_hints(cls)
        names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        unknown = sorted(set(data) - names)
        if unknown:
            raise ValueError(
                f"Unknown {cls.__name__} setting(s): {', '.join(unknown)}. Allowed: {', '.join(sorted(names))}"
            )
        try:
            kwargs = {k: _revive(hints[k], v) for k, v in data.items()}
            return cls(**kwargs)  # type: ignore[call-arg]
        except TypeError as err:  # e.g. a number where a list belongs, in a hand-edited link
            raise ValueError(f"A {cls.__name__} setting has the wrong type: {err}") from err

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_json(cls: type[C], text: str) -> C:
        return cls.from_dict(json.loads(text))

    def to_token(self) -> str:
        """A compact URL-safe token (base64 of the JSON) for query parameters."""
        return base64.urlsafe_b64encode(self.to_json().encode()).decode().rstrip("=")

    @classmethod
    def from_token(cls: type[C], token: str) -> C:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            return cls.from_json(raw)
        except (ValueError, UnicodeDecodeError) as err:
            raise ValueError(f"The link's {cls.__name__} could not be read: {err}") from err

    def replace(self: C, **changes: Any) -> C:
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]
