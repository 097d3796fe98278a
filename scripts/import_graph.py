"""Print the import graph between the subpackages of rnnlab, and fail on an import circle.

    .venv/bin/python scripts/import_graph.py            # rnnlab
    .venv/bin/python scripts/import_graph.py --package other_package

One line per edge, ``importer -> imported  N`` where N counts the import statements behind it. Then the
circles, if any: between subpackages, and between
single modules. The exit status is 1 when there is a circle, else 0. The graph is grimp's, the library
import-linter checks the contracts in pyproject.toml with.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import grimp


def subpackage(module: str) -> str:
    """``rnnlab.task.framing`` → ``rnnlab.task``; a module directly in the package stays itself."""
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else module


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan), each sorted, in sorted order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    nodes = sorted(set(edges) | {n for targets in edges.values() for n in targets})
    for node in nodes:
        if node not in index:
            visit(node)
    return sorted(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", default="rnnlab", help="the top-level package (default: rnnlab)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path.cwd()))
    graph = grimp.build_graph(args.package)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    module_edges: dict[str, set[str]] = defaultdict(set)
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            module_edges[importer].add(imported)
            source, target = subpackage(importer), subpackage(imported)
            if source == target:
                continue
            counts[source, target] += max(
                1, len(graph.get_import_details(importer=importer, imported=imported))
            )
    package_edges: dict[str, set[str]] = defaultdict(set)
    width = max((len(s) for s, _ in counts), default=0)
    for (source, target), n in sorted(counts.items()):
        package_edges[source].add(target)
        print(f"{source:<{width}} -> {target}  {n}")
    package_circles = circles(package_edges)
    module_circles = circles(module_edges)
    for kind, found in (("subpackages", package_circles), ("modules", module_circles)):
        for circle in found:
            print(f"circle between {kind}: {' <-> '.join(circle)}")
    if package_circles or module_circles:
        return 1
    print(f"no circles: {len(package_edges)} importing subpackages, {len(graph.modules)} modules")
    return 0


if __name__ == "__main__":
    sys.exit(main())
