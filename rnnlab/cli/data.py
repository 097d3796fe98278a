"""``python -m rnnlab datasets`` and ``python -m rnnlab describe DATA`` — the Data page, headless."""

from __future__ import annotations

import argparse

from rnnlab.cli import reading
from rnnlab.cli.common import print_json
from rnnlab.data import catalog, summary


def _datasets(args: argparse.Namespace) -> int:
    entries = catalog.list_datasets()
    if args.json:
        print_json(
            [
                {
                    "key": e.key,
                    "title": e.title,
                    "description": e.description,
                    "file": e.file,
                    "layout": e.layout,
                    "task": e.task,
                    "label": e.label,
                    "time": e.time,
                    "citation": e.citation,
                    "licence": e.licence,
                    "source": e.source,
                }
                for e in entries
            ]
        )
        return 0
    width = max(len(e.key) for e in entries)
    for e in entries:
        print(f"{e.key:<{width}}  {e.layout:<6}  {e.task:<8}  {e.title}")
    return 0


def _describe(args: argparse.Namespace) -> int:
    dataset, _ = reading.load(args.data, reading.read_options_from(args))
    result = summary.dataset_summary(dataset)
    if args.json:
        print_json(result)
    else:
        print(f"{result['name']}")
        for line in summary.summary_lines(result):
            print(f"  {line}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``datasets`` and ``describe``."""
    parser = subparsers.add_parser("datasets", help="list the bundled datasets")
    parser.add_argument("--json", action="store_true", help="print one JSON list")
    parser.set_defaults(func=_datasets)

    parser = subparsers.add_parser(
        "describe", help="describe a CSV or bundled dataset (what the Data page shows)"
    )
    parser.add_argument("data", metavar="DATA", help="a CSV path or a bundled dataset key")
    reading.add_read_options(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=_describe)
