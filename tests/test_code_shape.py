"""The package's shape: no function in rnnlab/ is longer than 60 lines without a stated reason (ruff's C901
keeps their branches at 10 or fewer; pyproject.toml). A reason is a comment ``# long: …`` on the line of the
``def``; none is needed today."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 60


def _body_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines of the body after its docstring."""
    first = node.body[0]
    has_doc = (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    )
    start = first.end_lineno + 1 if has_doc and len(node.body) > 1 else node.body[0].lineno
    return (node.end_lineno or node.lineno) - start + 1


def long_functions(root: Path = ROOT / "rnnlab", limit: int = MAX_LINES) -> list[str]:
    """``"path:line name (N lines)"`` of every function over ``limit`` lines without a ``# long:`` reason."""
    out = []
    for path in sorted(root.rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = _body_lines(node)
                if n > limit and "# long:" not in lines[node.lineno - 1]:
                    out.append(f"{path.relative_to(root)}:{node.lineno} {node.name} ({n} lines)")
    return out


def test_no_function_is_longer_than_sixty_lines_without_a_reason():
    assert long_functions() == []


def test_the_check_finds_a_long_function(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(61))
    (tmp_path / "long.py").write_text(
        f'def f():\n    """Doc."""\n{body}\n\n\ndef g():  # long: a table\n{body}\n'
    )
    assert [line.split(" ")[1] for line in long_functions(tmp_path)] == ["f"]
