"""``python -m rnnlab``: what the pages do, headless, for scripts and lesson preparation.

Each area of the package registers its sub-commands from its own module in
:mod:`rnnlab.cli`. Bad input (``ValueError``, which includes ``DataError``) prints its
message on stderr and exits with status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import sqlite3
import sys
from collections.abc import Sequence

from rnnlab.cli import backtest, cluster, data, model, runs, task, train
from rnnlab.cli.quiet import quiet_stderr
from rnnlab.core import settings
from rnnlab.runs.values import ID_RE

# Modules that add sub-commands: each defines ``register(subparsers)``, and every
# parser it adds sets ``func=callable(args) -> int``.
COMMAND_MODULES = [backtest, cluster, data, model, runs, task, train]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m rnnlab",
        description="rnnlab headless: list datasets, describe CSVs, baselines, parameter counts, training.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(subparsers)
    return parser


ID_OPTIONS = ("--workspace",)  # options whose value is an id, which may start with "-"


def join_id_options(argv: Sequence[str]) -> list[str]:
    """``["--workspace", "-abc123"]`` → ``["--workspace=-abc123"]``, so argparse never takes an id for an option.

    Example:
        >>> join_id_options(["runs", "--workspace", "-Xy_123", "--json"])
        ['runs', '--workspace=-Xy_123', '--json']
    """
    out, args = [], list(argv)
    i = 0
    while i < len(args):
        if args[i] in ID_OPTIONS and i + 1 < len(args) and ID_RE.match(args[i + 1]):
            out.append(f"{args[i]}={args[i + 1]}")
            i += 2
            continue
        out.append(args[i])
        i += 1
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    parser.add_argument("--verbose", action="store_true", help="show TensorFlow's start-up lines on stderr")
    args = parser.parse_args(join_id_options(sys.argv[1:] if argv is None else argv))
    quiet = quiet_stderr() if not args.verbose and argv is None else contextlib.nullcontext()
    with quiet:
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    try:
        return int(args.func(args) or 0)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except FileNotFoundError as err:
        print(f"error: file not found: {err.filename}", file=sys.stderr)
        return 2
    except (OSError, sqlite3.Error):
        problem = settings.data_dir_problem()  # a read-only data directory: one line, not a traceback
        if problem is None:
            raise
        print(f"error: {problem}", file=sys.stderr)
        return 2
