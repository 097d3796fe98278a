"""scripts/import_graph.py: the graph between rnnlab's subpackages, and a circle makes it fail."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "import_graph.py"


def _run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def test_rnnlab_has_no_circles_and_its_stages_import_downwards():
    out = _run()
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert any(line.startswith("rnnlab.task") and "-> rnnlab.data" in line for line in lines)
    assert not any(line.startswith("rnnlab.data ") and "-> rnnlab.task" in line for line in lines)
    assert lines[-1].startswith("no circles")


def test_a_circle_between_subpackages_fails(tmp_path):
    package = tmp_path / "circled"
    for name, imports in (
        ("a", "from circled.b import mod as other"),
        ("b", "from circled.a import mod as other"),
    ):
        (package / name).mkdir(parents=True)
        (package / name / "__init__.py").write_text("")
        (package / name / "mod.py").write_text(imports + "\n")
    (package / "__init__.py").write_text("")
    out = _run("--package", "circled", cwd=tmp_path)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "circled.a -> circled.b  1" in out.stdout
    assert "circle between subpackages: circled.a <-> circled.b" in out.stdout
    assert "circle between modules: circled.a.mod <-> circled.b.mod" in out.stdout
