"""What the command groups share: JSON on stdout and integer-list options."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from rnnlab.core.values import parse_int_list, to_json_value

__all__ = ["print_json", "int_list_type"]


def print_json(obj: Any) -> None:
    """Print one JSON object on stdout (NumPy scalars and arrays become plain JSON; other objects text)."""
    print(json.dumps(to_json_value(obj), default=str, indent=2))


def int_list_type(option: str, *, allow_empty: bool = True, example: str = "16,8") -> Callable[[str], tuple]:
    """An argparse ``type=`` that reads ``"16,8"`` as ``(16, 8)``; bad input is a usage error, not a traceback.

    Example:
        >>> int_list_type("--units")("16, 8")
        (16, 8)
    """

    def parse(text: str) -> tuple[int, ...]:
        try:
            return parse_int_list(text, option, allow_empty=allow_empty, example=example)
        except ValueError as err:
            raise argparse.ArgumentTypeError(str(err)) from None

    return parse
