"""The stages' import contracts (pyproject.toml, checked by ``lint-imports``) hold, and would catch a breach.

Each breach is written into a temporary copy of the package, so the check is proven to fail on exactly the
imports the contracts forbid: an upward import between stages, Streamlit below ``rnnlab.ui``, a circle.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "rnnlab", tmp_path / "rnnlab", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_package_keeps_its_contracts():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_copy_without_changes_passes(copy):
    assert _lint(copy).returncode == 0


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("data/upward.py", "from rnnlab.task import framing\n", "Stages import downwards only"),
        ("task/upward.py", "import rnnlab.ui\n", "Stages import downwards only"),
        ("training/upward.py", "import rnnlab.jobs.manager\n", "Stages import downwards only"),
        ("plots/streamlit_use.py", "import streamlit\n", "Only rnnlab.ui imports Streamlit"),
    ],
)
def test_a_forbidden_import_breaks_a_contract(copy, module, line, contract):
    (copy / "rnnlab" / module).write_text(f'"""A deliberate breach."""\n\n{line}')
    result = _lint(copy)
    assert result.returncode != 0
    assert f"{contract} BROKEN" in result.stdout


def test_a_circle_inside_one_stage_breaks_the_acyclic_contract(copy):
    (copy / "rnnlab" / "data" / "circle_a.py").write_text(
        '"""A."""\n\nfrom rnnlab.data import circle_b  # noqa\n'
    )
    (copy / "rnnlab" / "data" / "circle_b.py").write_text(
        '"""B."""\n\nfrom rnnlab.data import circle_a  # noqa\n'
    )
    result = _lint(copy)
    assert result.returncode != 0
    assert "No import circles" in result.stdout and "BROKEN" in result.stdout
