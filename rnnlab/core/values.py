"""Two small value rules every stage shares: comma-separated integer lists, and NumPy → JSON-ready values."""

from __future__ import annotations

import math
import re
from typing import Any

__all__ = ["parse_int_list", "to_json_value"]

_SEPARATORS = re.compile(r"[,;]")


def parse_int_list(
    text: str,
    what: str = "values",
    *,
    minimum: int | None = None,
    allow_empty: bool = True,
    example: str = "1, 2",
) -> tuple[int, ...]:
    """Whole numbers typed as ``"64, 32"`` (commas or semicolons, spaces ignored) → ``(64, 32)``.

    Args:
        text: What was typed; ``""`` gives ``()``.
        what: The setting's name, for the error message (``"units"``, ``"--offsets"``).
        minimum: The smallest value allowed, if any.
        allow_empty: Whether ``()`` is a valid answer.
        example: A valid input shown in the error message.

    Raises:
        ValueError: For anything but whole numbers, a value under ``minimum``, or an empty list when
            ``allow_empty`` is False.

    Example:
        >>> parse_int_list("64, 32"), parse_int_list(" 1;7 ,14 ,"), parse_int_list("")
        ((64, 32), (1, 7, 14), ())
    """
    parts = [part.strip() for part in _SEPARATORS.split(str(text)) if part.strip()]
    try:
        values = tuple(int(part) for part in parts)
    except ValueError:
        raise ValueError(
            f"`{what}` must be whole numbers separated by commas, e.g. {example}. Received: {what}={text!r}"
        ) from None
    if not values and not allow_empty:
        raise ValueError(f"`{what}` must hold at least one number, e.g. {example}. Received: {what}={text!r}")
    if minimum is not None and any(value < minimum for value in values):
        raise ValueError(f"`{what}` must each be ≥ {minimum}. Received: {what}={text!r}")
    return values


def to_json_value(value: Any, *, nan_to_none: bool = False) -> Any:
    """Configs → dicts, NumPy arrays → lists, NumPy scalars → Python numbers, tuples → lists, keys → str.

    Args:
        value: Anything built of dicts, lists, tuples, NumPy values and objects with ``to_dict()``.
        nan_to_none: Replace NaN and ±inf floats with ``None`` (strict JSON has no NaN).

    Example:
        >>> import numpy as np
        >>> to_json_value({"a": np.arange(2), 1: (np.float32(0.5), float("nan"))}, nan_to_none=True)
        {'a': [0, 1], '1': [0.5, None]}
    """
    if hasattr(value, "to_dict"):
        value = value.to_dict()
    if isinstance(value, dict):
        return {str(k): to_json_value(v, nan_to_none=nan_to_none) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json_value(v, nan_to_none=nan_to_none) for v in value]
    if hasattr(value, "tolist"):
        value = value.tolist()
        if isinstance(value, list):
            return to_json_value(value, nan_to_none=nan_to_none) if nan_to_none else value
    elif hasattr(value, "item"):
        value = value.item()
    if nan_to_none and isinstance(value, float) and not math.isfinite(value):
        return None
    return value
