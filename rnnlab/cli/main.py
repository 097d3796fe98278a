"""``python -m rnnlab``: what the pages do, headless, for scripts and lesson preparation.

Each area of the package registers its sub-commands from its own module in
:mod:`rnnlab.cli`. Bad input (``ValueError``, which includes ``DataError``) prints its
message on stderr and exits with status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from rnnlab.cli import data, model, runs, task, train

# Modules that add sub-commands: each defines ``register(subparsers)``, and every
# parser it adds sets ``func=callable(args) -> int``.
COMMAND_MODULES = [data, model, runs, task, train]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m rnnlab",
        description="rnnlab headless: list datasets, describe CSVs, baselines, parameter counts, training.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except FileNotFoundError as err:
        print(f"error: file not found: {err.filename}", file=sys.stderr)
        return 2
